package dev.orgos.governance.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The hash chain of the accountability ledger.
 *
 * <pre>
 * entryHash = SHA-256( "orgos-ledger-v1" || sequence (8 bytes, big-endian)
 *                      || sealedAt (epoch millis, 8 bytes, big-endian)
 *                      || previousHash (32 bytes) || fact length (4 bytes) || fact )
 * </pre>
 * The first entry's previousHash is 32 zero bytes. Changing, removing, inserting or reordering
 * any entry changes every hash after it.
 */
public final class LedgerChain {
    public static final byte[] GENESIS = new byte[32];
    private static final byte[] DOMAIN = "orgos-ledger-v1".getBytes(StandardCharsets.US_ASCII);

    private long nextSequence;
    private byte[] lastHash;

    public LedgerChain(long nextSequence, byte[] lastHash) {
        this.nextSequence = nextSequence;
        this.lastHash = lastHash.clone();
    }

    public static LedgerChain genesis() {
        return new LedgerChain(0, GENESIS);
    }

    public LedgerChain copy() {
        return new LedgerChain(nextSequence, lastHash);
    }

    public long nextSequence() {
        return nextSequence;
    }

    public byte[] lastHash() {
        return lastHash.clone();
    }

    /** Appends one fact; returns the sealed link. */
    public Sealed append(long sealedAtMillis, byte[] fact) {
        byte[] previous = lastHash;
        byte[] hash = hash(nextSequence, sealedAtMillis, previous, fact);
        Sealed s = new Sealed(nextSequence, sealedAtMillis, previous, hash);
        nextSequence++;
        lastHash = hash;
        return s;
    }

    public static byte[] hash(long sequence, long sealedAtMillis, byte[] previousHash, byte[] fact) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(DOMAIN);
            sha.update(ByteBuffer.allocate(16).putLong(sequence).putLong(sealedAtMillis).array());
            sha.update(previousHash);
            sha.update(ByteBuffer.allocate(4).putInt(fact.length).array());
            sha.update(fact);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public record Sealed(long sequence, long sealedAtMillis, byte[] previousHash, byte[] entryHash) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Sealed s && s.sequence == sequence && s.sealedAtMillis == sealedAtMillis
                    && Arrays.equals(s.previousHash, previousHash) && Arrays.equals(s.entryHash, entryHash);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(sequence) * 31 + Arrays.hashCode(entryHash);
        }
    }
}
