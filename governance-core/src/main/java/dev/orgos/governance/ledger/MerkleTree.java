package dev.orgos.governance.ledger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Merkle tree of RFC 9162 (Certificate Transparency 2.0), section 2.1, with SHA-256:
 * leaf hash = SHA-256(0x00 || leaf), node hash = SHA-256(0x01 || left || right), and the split
 * at the largest power of two smaller than the number of leaves. Inclusion and consistency
 * proofs as in 2.1.3 and 2.1.4, with the verification algorithms of 2.1.3.2 and 2.1.4.2.
 *
 * <p>In the ledger, leaf i is the entry hash of the entry with sequence i.
 */
public final class MerkleTree {

    private MerkleTree() {
    }

    public static byte[] leafHash(byte[] leaf) {
        MessageDigest sha = sha256();
        sha.update((byte) 0x00);
        sha.update(leaf);
        return sha.digest();
    }

    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest sha = sha256();
        sha.update((byte) 0x01);
        sha.update(left);
        sha.update(right);
        return sha.digest();
    }

    /** MTH over the first {@code n} leaf hashes (already hashed with {@link #leafHash}). */
    public static byte[] root(List<byte[]> leafHashes, int n) {
        if (n == 0) {
            return sha256().digest();
        }
        return mth(leafHashes, 0, n);
    }

    private static byte[] mth(List<byte[]> leaves, int from, int to) {
        int n = to - from;
        if (n == 1) {
            return leaves.get(from);
        }
        int k = largestPowerOfTwoBelow(n);
        return nodeHash(mth(leaves, from, from + k), mth(leaves, from + k, to));
    }

    /** PATH(m, D[n]): the audit path for leaf {@code m} in the tree of the first {@code n} leaves. */
    public static List<byte[]> inclusionProof(List<byte[]> leafHashes, int m, int n) {
        if (m < 0 || m >= n || n > leafHashes.size()) {
            throw new IllegalArgumentException("no leaf " + m + " in a tree of " + n);
        }
        List<byte[]> proof = new ArrayList<>();
        path(leafHashes, m, 0, n, proof);
        return proof;
    }

    private static void path(List<byte[]> leaves, int m, int from, int to, List<byte[]> out) {
        int n = to - from;
        if (n == 1) {
            return;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(leaves, m, from, from + k, out);
            out.add(mth(leaves, from + k, to));
        } else {
            path(leaves, m - k, from + k, to, out);
            out.add(mth(leaves, from, from + k));
        }
    }

    /** PROOF(m, D[n]): shows that the tree of the first {@code m} leaves is a prefix of the tree of {@code n}. */
    public static List<byte[]> consistencyProof(List<byte[]> leafHashes, int m, int n) {
        if (m < 0 || m > n || n > leafHashes.size()) {
            throw new IllegalArgumentException("no consistency between sizes " + m + " and " + n);
        }
        List<byte[]> proof = new ArrayList<>();
        if (m == 0 || m == n) {
            return proof;
        }
        subproof(leafHashes, m, 0, n, true, proof);
        return proof;
    }

    private static void subproof(List<byte[]> leaves, int m, int from, int to, boolean complete, List<byte[]> out) {
        int n = to - from;
        if (m == n) {
            if (!complete) {
                out.add(mth(leaves, from, to));
            }
            return;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(leaves, m, from, from + k, complete, out);
            out.add(mth(leaves, from + k, to));
        } else {
            subproof(leaves, m - k, from + k, to, false, out);
            out.add(mth(leaves, from, from + k));
        }
    }

    /** RFC 9162 2.1.3.2: whether {@code leafHash} is leaf {@code leafIndex} of the tree of {@code treeSize} with {@code root}. */
    public static boolean verifyInclusion(long leafIndex, long treeSize, byte[] leafHash, List<byte[]> proof, byte[] root) {
        if (leafIndex < 0 || leafIndex >= treeSize) {
            return false;
        }
        long fn = leafIndex;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(r, root);
    }

    /** RFC 9162 2.1.4.2: whether the tree of {@code size2} with {@code root2} extends the one of {@code size1} with {@code root1}. */
    public static boolean verifyConsistency(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof) {
        if (size1 < 0 || size1 > size2) {
            return false;
        }
        if (size1 == size2) {
            return proof.isEmpty() && Arrays.equals(root1, root2);
        }
        if (size1 == 0) {
            return proof.isEmpty(); // the empty tree is a prefix of every tree
        }
        if (proof.isEmpty()) {
            return false;
        }
        List<byte[]> path = new ArrayList<>(proof);
        if (Long.bitCount(size1) == 1) {
            path.add(0, root1); // size1 is a power of two: its root is the first node
        }
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(fr, root1) && Arrays.equals(sr, root2);
    }

    static int largestPowerOfTwoBelow(int n) {
        return Integer.highestOneBit(n - 1);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The root of a growing tree in O(log n) memory: the roots of its perfect subtrees, largest
     * first. Appending is amortised O(1); {@link #root()} folds them right to left, which is
     * exactly MTH of RFC 9162.
     */
    public static final class Compact {
        private final List<byte[]> peaks = new ArrayList<>();
        private final List<Long> sizes = new ArrayList<>();
        private long size;

        public void append(byte[] leafHash) {
            byte[] h = leafHash;
            long s = 1;
            while (!sizes.isEmpty() && sizes.get(sizes.size() - 1) == s) {
                h = nodeHash(peaks.remove(peaks.size() - 1), h);
                sizes.remove(sizes.size() - 1);
                s *= 2;
            }
            peaks.add(h);
            sizes.add(s);
            size++;
        }

        public long size() {
            return size;
        }

        public byte[] root() {
            if (peaks.isEmpty()) {
                return sha256().digest();
            }
            byte[] r = peaks.get(peaks.size() - 1);
            for (int i = peaks.size() - 2; i >= 0; i--) {
                r = nodeHash(peaks.get(i), r);
            }
            return r;
        }
    }
}
