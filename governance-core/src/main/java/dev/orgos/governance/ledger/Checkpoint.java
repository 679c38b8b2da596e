package dev.orgos.governance.ledger;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * A signed statement of the ledger's state: its size, its Merkle root and when. Signed with
 * Ed25519 over this exact text (UTF-8, '\n' line ends, base64 without line breaks):
 * <pre>
 * orgos-ledger-checkpoint-v1
 * &lt;tree size&gt;
 * &lt;root hash, base64&gt;
 * &lt;time, epoch milliseconds&gt;
 * </pre>
 */
public record Checkpoint(long treeSize, byte[] rootHash, long timestampMillis, byte[] signature, byte[] publicKey) {

    public static byte[] signedText(long treeSize, byte[] rootHash, long timestampMillis) {
        return ("orgos-ledger-checkpoint-v1\n" + treeSize + "\n" + Base64.getEncoder().encodeToString(rootHash) + "\n"
                + timestampMillis + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public static Checkpoint sign(long treeSize, byte[] rootHash, long timestampMillis, PrivateKey key, PublicKey publicKey) {
        try {
            Signature ed = Signature.getInstance("Ed25519");
            ed.initSign(key);
            ed.update(signedText(treeSize, rootHash, timestampMillis));
            return new Checkpoint(treeSize, rootHash, timestampMillis, ed.sign(), publicKey.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a checkpoint", e);
        }
    }

    /** Whether the signature is valid for the given public key (X.509 SubjectPublicKeyInfo bytes). */
    public boolean signedBy(byte[] publicKeyX509) {
        try {
            PublicKey pk = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(publicKeyX509));
            Signature ed = Signature.getInstance("Ed25519");
            ed.initVerify(pk);
            ed.update(signedText(treeSize, rootHash, timestampMillis));
            return ed.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
