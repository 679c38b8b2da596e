package dev.orgos.governance.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LedgerVerifierTest {

    static List<LedgerVerifier.Entry> chain(int n) {
        LedgerChain chain = LedgerChain.genesis();
        List<LedgerVerifier.Entry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] fact = ("{\"eventId\":\"e" + i + "\",\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
            var s = chain.append(1000 + i, fact);
            out.add(new LedgerVerifier.Entry(s.sequence(), s.sealedAtMillis(), "e" + i, fact, s.previousHash(), s.entryHash()));
        }
        return out;
    }

    static Optional<LedgerVerifier.Divergence> replay(List<LedgerVerifier.Entry> entries) {
        LedgerVerifier v = new LedgerVerifier();
        for (var e : entries) {
            var d = v.accept(e);
            if (d.isPresent()) {
                return d;
            }
        }
        return Optional.empty();
    }

    @Test
    void anIntactChainVerifies() {
        assertTrue(replay(chain(50)).isEmpty());
    }

    @Test
    void anEditedFactIsNamed() {
        var entries = chain(10);
        var e = entries.get(6);
        entries.set(6, new LedgerVerifier.Entry(e.sequence(), e.sealedAtMillis(), e.factEventId(),
                "{\"eventId\":\"e6\",\"n\":666}".getBytes(StandardCharsets.UTF_8), e.previousHash(), e.entryHash()));
        var d = replay(entries).orElseThrow();
        assertEquals(6, d.sequence());
        assertEquals("edited", d.kind());
    }

    @Test
    void anEditedAndRehashedEntryBreaksTheNextLink() {
        var entries = chain(10);
        var e = entries.get(3);
        byte[] fact = "{\"forged\":true}".getBytes(StandardCharsets.UTF_8);
        entries.set(3, new LedgerVerifier.Entry(3, e.sealedAtMillis(), e.factEventId(), fact, e.previousHash(),
                LedgerChain.hash(3, e.sealedAtMillis(), e.previousHash(), fact)));
        var d = replay(entries).orElseThrow();
        assertEquals(4, d.sequence());
        assertEquals("cut from the chain", d.kind());
    }

    @Test
    void aGapIsNamed() {
        var entries = chain(10);
        entries.remove(4);
        var d = replay(entries).orElseThrow();
        assertEquals(5, d.sequence());
        assertTrue(d.kind().startsWith("missing"), d.toString());
        assertTrue(d.detail().contains("expected sequence 4"), d.detail());
    }

    @Test
    void aReorderingIsNamed() {
        var entries = chain(10);
        var moved = entries.remove(2);
        entries.add(7, moved);
        var d = replay(entries).orElseThrow();
        assertEquals(3, d.sequence());
        assertTrue(d.kind().startsWith("missing"), d.toString()); // #3 arrives where #2 belonged
    }

    @Test
    void aDuplicateIsNamed() {
        var entries = chain(10);
        entries.add(5, entries.get(4));
        var d = replay(entries).orElseThrow();
        assertEquals(4, d.sequence());
        assertEquals("duplicated", d.kind());
    }

    @Test
    void checkpointsAreCheckedAgainstTheReplayedTreeAndTheKey() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        LedgerVerifier v = new LedgerVerifier();
        chain(20).forEach(v::accept);
        List<byte[]> leaves = chain(20).stream().map(e -> MerkleTree.leafHash(e.entryHash())).toList();
        Checkpoint good = Checkpoint.sign(13, MerkleTree.root(leaves, 13), 5, keys.getPrivate(), keys.getPublic());
        assertTrue(v.check(good, keys.getPublic().getEncoded()).isEmpty());
        Checkpoint wrongRoot = Checkpoint.sign(13, MerkleTree.root(leaves, 12), 5, keys.getPrivate(), keys.getPublic());
        assertTrue(v.check(wrongRoot, null).orElseThrow().contains("signs root"));
        Checkpoint forged = new Checkpoint(13, MerkleTree.root(leaves, 13), 6, good.signature(), good.publicKey());
        assertTrue(v.check(forged, null).orElseThrow().contains("invalid signature"));
        assertTrue(v.check(good, other.getPublic().getEncoded()).orElseThrow().contains("other than the trusted"));
    }
}
