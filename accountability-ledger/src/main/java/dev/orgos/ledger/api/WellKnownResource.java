package dev.orgos.ledger.api;

import dev.orgos.ledger.checkpoint.SigningKey;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Base64;
import java.util.Map;

/** The public key that signs checkpoints, for anyone: auditors pin it out of band and compare. */
@Path("/.well-known/orgos-ledger-key")
@PermitAll
public class WellKnownResource {

    @Inject
    SigningKey key;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> key() {
        String b64 = Base64.getEncoder().encodeToString(key.publicKey().getEncoded());
        return Map.of("algorithm", "Ed25519", "format", "X.509 SubjectPublicKeyInfo, base64", "publicKey", b64,
                "pem", "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n");
    }
}
