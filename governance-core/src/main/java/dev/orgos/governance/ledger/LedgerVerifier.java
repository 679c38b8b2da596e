package dev.orgos.governance.ledger;

import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Replays ledger entries in the order they were read and finds the first one that diverges:
 * edited (its hash does not match its content), missing (a sequence gap), reordered (a
 * sequence out of order), duplicated (a sequence or a fact seen before), or cut from its
 * predecessor (a broken link). It also rebuilds the Merkle tree, so that checkpoints can be
 * checked against what was actually replayed. Pure: the auditor's CLI feeds it from Kafka.
 */
public final class LedgerVerifier {

    /** One entry as read, with the fields the hashes cover. */
    public record Entry(long sequence, long sealedAtMillis, String factEventId, byte[] fact, byte[] previousHash, byte[] entryHash) {
    }

    /** The first divergence found: which entry, and how. */
    public record Divergence(long position, long sequence, String kind, String detail) {
        @Override
        public String toString() {
            return "entry #" + sequence + " (the " + ordinal(position + 1) + " record read) is " + kind + ": " + detail;
        }
    }

    private final MerkleTree.Compact tree = new MerkleTree.Compact();
    private final Map<Long, byte[]> rootsBySize = new HashMap<>();
    private final Map<String, Long> factSeenAt = new HashMap<>();
    private byte[] lastHash = LedgerChain.GENESIS;
    private long expected;
    private long read;
    private Divergence divergence;

    /** Feeds the next entry; returns the divergence if this entry is the first one that diverges. */
    public Optional<Divergence> accept(Entry e) {
        if (divergence != null) {
            return Optional.of(divergence);
        }
        long position = read++;
        if (e.sequence() < expected) {
            return fail(position, e, e.sequence() == expected - 1 ? "duplicated" : "reordered",
                    "sequence " + e.sequence() + " appears after sequence " + (expected - 1));
        }
        if (e.sequence() > expected) {
            return fail(position, e, "missing its predecessors",
                    "expected sequence " + expected + " next, found " + e.sequence() + " (" + (e.sequence() - expected) + " missing)");
        }
        Long earlier = factSeenAt.putIfAbsent(e.factEventId(), e.sequence());
        if (earlier != null) {
            return fail(position, e, "duplicated", "fact " + e.factEventId() + " was already sealed as entry #" + earlier);
        }
        if (!Arrays.equals(e.previousHash(), lastHash)) {
            return fail(position, e, "cut from the chain",
                    "its previous hash " + b64(e.previousHash()) + " is not the hash of entry #" + (expected - 1) + ", " + b64(lastHash));
        }
        byte[] recomputed = LedgerChain.hash(e.sequence(), e.sealedAtMillis(), e.previousHash(), e.fact());
        if (!Arrays.equals(recomputed, e.entryHash())) {
            return fail(position, e, "edited", "its content hashes to " + b64(recomputed) + ", not to its recorded hash " + b64(e.entryHash()));
        }
        lastHash = e.entryHash();
        tree.append(MerkleTree.leafHash(e.entryHash()));
        expected++;
        rootsBySize.put(tree.size(), tree.root());
        return Optional.empty();
    }

    /** Checks a checkpoint against the replayed tree and, when given, a trusted public key. */
    public Optional<String> check(Checkpoint c, byte[] trustedPublicKey) {
        byte[] key = trustedPublicKey != null ? trustedPublicKey : c.publicKey();
        if (trustedPublicKey != null && c.publicKey() != null && !Arrays.equals(trustedPublicKey, c.publicKey())) {
            return Optional.of("checkpoint at size " + c.treeSize() + " was signed by a key other than the trusted one");
        }
        if (!c.signedBy(key)) {
            return Optional.of("checkpoint at size " + c.treeSize() + " has an invalid signature");
        }
        byte[] root = c.treeSize() == 0 ? MerkleTree.root(java.util.List.of(), 0) : rootsBySize.get(c.treeSize());
        if (root == null) {
            return Optional.of("checkpoint at size " + c.treeSize() + " is beyond the " + tree.size() + " entries replayed");
        }
        if (!Arrays.equals(root, c.rootHash())) {
            return Optional.of("checkpoint at size " + c.treeSize() + " signs root " + b64(c.rootHash())
                    + " but the replayed entries give " + b64(root));
        }
        return Optional.empty();
    }

    public long verified() {
        return expected;
    }

    public byte[] root() {
        return tree.root();
    }

    private Optional<Divergence> fail(long position, Entry e, String kind, String detail) {
        divergence = new Divergence(position, e.sequence(), kind, detail);
        return Optional.of(divergence);
    }

    static String b64(byte[] b) {
        return b == null ? "(none)" : Base64.getEncoder().encodeToString(b);
    }

    private static String ordinal(long n) {
        long mod100 = n % 100;
        String suffix = mod100 >= 11 && mod100 <= 13 ? "th" : switch ((int) (n % 10)) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }
}
