package dev.orgos.ledger.checkpoint;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** The Ed25519 key that signs checkpoints. Its public half is published at /.well-known/orgos-ledger-key. */
@ApplicationScoped
public class SigningKey {
    private static final Logger LOG = Logger.getLogger(SigningKey.class);

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    public SigningKey(@ConfigProperty(name = "orgos.ledger.signing-key") Optional<String> pemFile) {
        KeyPair pair = pemFile.filter(s -> !s.isBlank()).map(SigningKey::load).orElseGet(() -> {
            LOG.warn("No checkpoint signing key configured (ORGOS_LEDGER_SIGNING_KEY): signing with a key made at start. "
                    + "Its checkpoints verify, but auditors cannot pin a key that changes with every restart.");
            try {
                return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
        this.privateKey = pair.getPrivate();
        this.publicKey = pair.getPublic();
        var probe = dev.orgos.governance.ledger.Checkpoint.sign(0, new byte[32], 0, privateKey, publicKey);
        if (!probe.signedBy(publicKey.getEncoded())) {
            throw new IllegalStateException("the checkpoint signing key's public half could not be derived");
        }
    }

    private static KeyPair load(String file) {
        try {
            String pem = Files.readString(Path.of(file)).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            KeyFactory kf = KeyFactory.getInstance("Ed25519");
            PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            return new KeyPair(publicOf(kf, (EdECPrivateKey) priv), priv);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("cannot read the checkpoint signing key " + file + ": " + e.getMessage(), e);
        }
    }

    /** Ed25519 derives the public key from the private one; the JDK does it when signing, so sign-and-recover is not needed. */
    private static PublicKey publicOf(KeyFactory kf, EdECPrivateKey priv) throws GeneralSecurityException {
        // The JDK offers no direct derivation API: generate the pair again from the same seed.
        byte[] seed = priv.getBytes().orElseThrow();
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        g.initialize(NamedParameterSpec.ED25519, new java.security.SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
            }
        });
        PublicKey derived = g.generateKeyPair().getPublic();
        EdECPoint point = ((java.security.interfaces.EdECPublicKey) derived).getPoint();
        return kf.generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, point));
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public PublicKey publicKey() {
        return publicKey;
    }
}
