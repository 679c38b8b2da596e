package dev.orgos.governance.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proofs checked against trees built independently here, by the plain recursive definition. */
class MerkleTreeTest {

    static byte[] sha(byte[]... parts) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) {
            d.update(p);
        }
        return d.digest();
    }

    /** RFC 9162's MTH, written out again without sharing code with MerkleTree. */
    static byte[] independentRoot(List<byte[]> leaves) throws Exception {
        if (leaves.isEmpty()) {
            return sha();
        }
        if (leaves.size() == 1) {
            return sha(new byte[] {0}, leaves.get(0));
        }
        int k = 1;
        while (k * 2 < leaves.size()) {
            k *= 2;
        }
        return sha(new byte[] {1}, independentRoot(leaves.subList(0, k)), independentRoot(leaves.subList(k, leaves.size())));
    }

    static List<byte[]> leaves(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(("entry-" + i).getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    static List<byte[]> hashed(List<byte[]> leaves) {
        return leaves.stream().map(MerkleTree::leafHash).toList();
    }

    @Test
    void rootsMatchTheIndependentDefinitionAndTheCompactForm() throws Exception {
        for (int n = 0; n <= 40; n++) {
            List<byte[]> raw = leaves(n);
            byte[] expected = independentRoot(raw);
            assertArrayEquals(expected, MerkleTree.root(hashed(raw), n), "root of " + n);
            MerkleTree.Compact compact = new MerkleTree.Compact();
            hashed(raw).forEach(compact::append);
            assertArrayEquals(expected, compact.root(), "compact root of " + n);
        }
    }

    @Test
    void theEmptyTreeHasTheHashOfNothing() {
        assertTrue(HexFormat.of().formatHex(MerkleTree.root(List.of(), 0))
                .equals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    }

    @Test
    void everyInclusionProofVerifiesAndATamperedOneDoesNot() throws Exception {
        for (int n = 1; n <= 33; n++) {
            List<byte[]> h = hashed(leaves(n));
            byte[] root = independentRoot(leaves(n));
            for (int m = 0; m < n; m++) {
                List<byte[]> proof = MerkleTree.inclusionProof(h, m, n);
                assertTrue(MerkleTree.verifyInclusion(m, n, h.get(m), proof, root), "leaf " + m + " of " + n);
                assertFalse(MerkleTree.verifyInclusion(m, n, MerkleTree.leafHash("forged".getBytes()), proof, root));
                if (!proof.isEmpty()) {
                    List<byte[]> bad = new ArrayList<>(proof);
                    byte[] flipped = bad.get(0).clone();
                    flipped[0] ^= 1;
                    bad.set(0, flipped);
                    assertFalse(MerkleTree.verifyInclusion(m, n, h.get(m), bad, root));
                }
                if (n > 1) {
                    assertFalse(MerkleTree.verifyInclusion((m + 1) % n, n, h.get(m), proof, root) && (m + 1) % n != m);
                }
            }
        }
    }

    @Test
    void everyConsistencyProofVerifiesAndAWrongRootDoesNot() throws Exception {
        for (int n = 1; n <= 33; n++) {
            List<byte[]> h = hashed(leaves(n));
            byte[] root2 = independentRoot(leaves(n));
            for (int m = 1; m <= n; m++) {
                byte[] root1 = independentRoot(leaves(m));
                List<byte[]> proof = MerkleTree.consistencyProof(h, m, n);
                assertTrue(MerkleTree.verifyConsistency(m, n, root1, root2, proof), m + " -> " + n);
                if (m < n) {
                    byte[] wrong = root1.clone();
                    wrong[5] ^= 1;
                    assertFalse(MerkleTree.verifyConsistency(m, n, wrong, root2, proof), "wrong first root " + m + " -> " + n);
                    assertFalse(MerkleTree.verifyConsistency(m, n, root1, root1, proof) && !Arrays.equals(root1, root2));
                }
            }
        }
    }

    @Test
    void knownVectorForThreeLeaves() throws Exception {
        // MTH({a,b,c}) = H(1 || H(1 || H(0||a) || H(0||b)) || H(0||c))
        byte[] a = "a".getBytes(), b = "b".getBytes(), c = "c".getBytes();
        byte[] expected = sha(new byte[] {1}, sha(new byte[] {1}, sha(new byte[] {0}, a), sha(new byte[] {0}, b)), sha(new byte[] {0}, c));
        assertArrayEquals(expected, MerkleTree.root(hashed(List.of(a, b, c)), 3));
    }
}
