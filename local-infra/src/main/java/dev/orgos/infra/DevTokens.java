package dev.orgos.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Mints RS256 JWTs with the development key (src/main/resources/dev-keys): for the demo, the
 * tests and {@code ./orgos token}. Tokens signed with it prove nothing outside development.
 */
public final class DevTokens {
    public static final String ISSUER = "https://orgos.dev/development-only";
    /** The token group that marks an AI agent; agents may never act on escalations. */
    public static final String AGENT_GROUP = "agent";

    private DevTokens() {
    }

    /** A token for a human whose groups are anchor roles. */
    public static String human(String user, List<String> roles, Duration validity) {
        return mint(user, roles, validity);
    }

    /** A token for an AI agent: its id is the subject, its group is {@value #AGENT_GROUP}. */
    public static String agent(String agentId, Duration validity) {
        return mint(agentId, List.of(AGENT_GROUP), validity);
    }

    static String mint(String subject, List<String> groups, Duration validity) {
        Instant now = Instant.now();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"orgos-dev\"}";
        String payload = "{\"iss\":" + MeshBootstrap.json(ISSUER)
                + ",\"sub\":" + MeshBootstrap.json(subject)
                + ",\"upn\":" + MeshBootstrap.json(subject)
                + ",\"groups\":[" + groups.stream().map(MeshBootstrap::json).collect(Collectors.joining(",")) + "]"
                + ",\"iat\":" + now.getEpochSecond()
                + ",\"exp\":" + now.plus(validity).getEpochSecond()
                + ",\"jti\":" + MeshBootstrap.json(UUID.randomUUID().toString()) + "}";
        String signingInput = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(payload.getBytes(StandardCharsets.UTF_8));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(privateKey());
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a development token", e);
        }
    }

    /** Writes the public key where a service can be told to read it; returns its path. */
    public static Path writePublicKey(Path dir) {
        try (InputStream in = DevTokens.class.getResourceAsStream("/dev-keys/jwt-public.pem")) {
            Files.createDirectories(dir);
            Path file = dir.resolve("jwt-public.pem");
            Files.write(file, in.readAllBytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PrivateKey privateKey() throws GeneralSecurityException {
        try (InputStream in = DevTokens.class.getResourceAsStream("/dev-keys/jwt-private.pem")) {
            String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                    .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
