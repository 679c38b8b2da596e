package dev.orgos.gateway.identity;

import dev.orgos.gateway.action.ActionStore;
import dev.orgos.gateway.action.StatementBatcher;
import dev.orgos.service.problem.CredentialCheckUnavailable;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API keys mapped to agent ids, for workers that cannot hold a JWT. A key is
 * {@code orgos_ak_<keyId>_<secret>}: the key id finds the row, the secret (256 random bits) is
 * compared by its SHA-256 in constant time. A slow password hash would add nothing: the secret
 * is random, not chosen by a person. The key is shown once, when it is made.
 */
@ApplicationScoped
public class ApiKeys {
    private static final Pattern FORMAT = Pattern.compile("orgos_ak_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ApiKeys.class);

    @Inject
    PgPool db;

    /** A key as listed: never its secret. */
    public record Listed(String keyId, String agentId, String description, String createdBy, Instant createdAt,
                         String revokedBy, Instant revokedAt) {
    }

    /** A key just made: the only time its full value exists outside the agent's hands. */
    public record Issued(String keyId, String agentId, String apiKey) {
    }

    public Uni<Issued> issue(String agentId, String description, String issuedBy) {
        byte[] id = new byte[8];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        String keyId = HexFormat.of().formatHex(id);
        String apiKey = "orgos_ak_" + keyId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return db.preparedQuery("""
                INSERT INTO agent_api_key (key_id, agent_id, secret_sha256, description, created_by, created_at)
                VALUES ($1, $2, $3, $4, $5, $6)""")
                .execute(Tuple.of(keyId, agentId, io.vertx.core.buffer.Buffer.buffer(sha256(apiKey)), description, issuedBy,
                        OffsetDateTime.now(ZoneOffset.UTC)))
                .replaceWith(new Issued(keyId, agentId, apiKey));
    }

    /**
     * The agent a presented key belongs to; null when it is not a valid key (malformed, unknown,
     * revoked, or a wrong secret). Fails with {@link CredentialCheckUnavailable} when the database
     * fails or does not answer within the bound of every round trip of the gateway
     * ({@link ActionStore#ROUND_TRIP_LIMIT}; the connections' statement timeout cancels a slow
     * statement first, the bound catches an answer lost on the way): that is not a refusal.
     */
    public Uni<String> agentOf(String presented) {
        Matcher m = presented == null ? null : FORMAT.matcher(presented.trim());
        if (m == null || !m.matches()) {
            return Uni.createFrom().nullItem();
        }
        byte[] hash = sha256(presented.trim());
        return StatementBatcher.bounded(db.preparedQuery("SELECT agent_id, secret_sha256 FROM agent_api_key WHERE key_id = $1 AND revoked_at IS NULL")
                .execute(Tuple.of(m.group(1))), "looking up an API key", ActionStore.ROUND_TRIP_LIMIT)
                .map(rows -> {
                    for (Row r : rows) {
                        if (MessageDigest.isEqual(hash, r.getBuffer("secret_sha256").getBytes())) {
                            return r.getString("agent_id");
                        }
                    }
                    return null;
                })
                .onFailure().transform(e -> {
                    LOG.warnf("An agent's API key (id %s) could not be checked, so its request is answered 503: %s", m.group(1),
                            e.getMessage());
                    return new CredentialCheckUnavailable("The API key could not be checked just now (" + e.getMessage() + ")", e);
                });
    }

    /** Revokes a key; false when there is no such key or it was revoked already. */
    public Uni<Boolean> revoke(String keyId, String revokedBy) {
        return db.preparedQuery("UPDATE agent_api_key SET revoked_by = $2, revoked_at = $3 WHERE key_id = $1 AND revoked_at IS NULL")
                .execute(Tuple.of(keyId, revokedBy, OffsetDateTime.now(ZoneOffset.UTC)))
                .map(r -> r.rowCount() == 1);
    }

    public Uni<List<Listed>> list(String agentId) {
        String sql = "SELECT key_id, agent_id, description, created_by, created_at, revoked_by, revoked_at FROM agent_api_key"
                + (agentId == null ? "" : " WHERE agent_id = $1") + " ORDER BY created_at";
        var query = db.preparedQuery(sql);
        return (agentId == null ? query.execute() : query.execute(Tuple.of(agentId))).map(rows -> {
            List<Listed> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new Listed(r.getString("key_id"), r.getString("agent_id"), r.getString("description"),
                        r.getString("created_by"), r.getOffsetDateTime("created_at").toInstant(), r.getString("revoked_by"),
                        r.getOffsetDateTime("revoked_at") == null ? null : r.getOffsetDateTime("revoked_at").toInstant()));
            }
            return out;
        });
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
