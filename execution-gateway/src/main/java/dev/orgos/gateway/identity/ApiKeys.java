package dev.orgos.gateway.identity;

import dev.orgos.gateway.action.ActionStore;
import dev.orgos.gateway.action.StatementBatcher;
import dev.orgos.gateway.notices.NoticeListener;
import dev.orgos.service.problem.CredentialCheckUnavailable;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * API keys mapped to agent ids, for workers that cannot hold a JWT. A key is
 * {@code orgos_ak_<keyId>_<secret>}: the key id finds the row, the secret (256 random bits) is
 * compared by its SHA-256 in constant time. A slow password hash would add nothing: the secret
 * is random, not chosen by a person. The key is shown once, when it is made.
 *
 * <p>An agent sends its key with every request, so each replica remembers the keys it has checked
 * (by the key's hash, never the key) for {@code orgos.gateway.api-key-memory}, instead of asking
 * the database every time. Revocation still takes effect at once: the database announces every
 * change to a key's row (a trigger, so a revocation by hand counts too), and every replica forgets
 * the key the moment it hears. A replica remembers keys only while it listens: when its listening
 * connection drops, it forgets every key, and checks each again until it listens once more, since a
 * notice sent meanwhile is lost.
 */
// a singleton, not a proxied bean: asked on every request of an agent with a key
@Singleton
public class ApiKeys {
    private static final String PREFIX = "orgos_ak_";
    /** The prefix, 16 hex digits of key id, an underscore, 43 base64url characters of secret. */
    static final int LENGTH = PREFIX.length() + 16 + 1 + 43;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ApiKeys.class);

    public static final String CHANNEL = "orgos_api_key_changed";
    @Inject
    PgPool db;

    @ConfigProperty(name = "orgos.gateway.api-key-memory", defaultValue = "60s")
    Duration memory;

    /** A key this replica checked: whose it is, and until when that answer stands. */
    private record Checked(String keyId, String agentId, long untilNanos) {
    }

    @ConfigProperty(name = "orgos.gateway.remembered-credentials", defaultValue = "50000")
    int capacity;

    /** By the hex SHA-256 of the presented key. */
    private RememberedCredentials<Checked> checked;
    /** Whether this replica hears changes to keys now: only then may it remember one. */
    private volatile boolean hearing;
    /**
     * Counts what may have made a lookup's answer stale: a notice, or the listener lost or back. A lookup
     * remembers its answer only if nothing was counted while it ran, else a key revoked while the
     * database was being asked could be remembered as valid.
     */
    private final AtomicLong changes = new AtomicLong();
    private NoticeListener listener;
    /** Set when hearing stopped, so that its return is worth a line in the log. */
    private volatile boolean wasLost;

    @jakarta.annotation.PostConstruct
    void init() {
        checked = new RememberedCredentials<>(capacity);
    }

    void start(@Observes StartupEvent ignored) {
        listener = NoticeListener.start(db, CHANNEL, Duration.ofSeconds(1), new NoticeListener.Events() {
            @Override
            public void notice(String keyId) {
                forget(keyId);
            }

            @Override
            public void listening() {
                // a lookup begun before this may have read a key revoked before LISTEN held, unheard
                changes.incrementAndGet();
                hearing = true;
                if (wasLost) {
                    wasLost = false;
                    LOG.info("Hearing of revoked API keys again: checked keys are remembered again");
                }
            }

            @Override
            public void lost(Throwable cause) {
                if (hearing) {
                    wasLost = true;
                    LOG.warnf("No longer hearing of revoked API keys (%s): each key is checked in the database on every "
                            + "request until this replica hears again", cause == null ? "the connection closed" : cause.getMessage());
                }
                hearing = false;
                changes.incrementAndGet();
                checked.forgetAll();
            }
        });
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (listener != null) {
            listener.stop();
        }
    }

    /** Forgets a key whose row changed: its next request is checked in the database. */
    private void forget(String keyId) {
        changes.incrementAndGet();
        checked.forgetIf(c -> c.keyId().equals(keyId));
    }

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
        String apiKey = PREFIX + keyId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
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
        String key = presented == null ? null : presented.trim();
        String keyId = keyIdOf(key);
        if (keyId == null) {
            return Uni.createFrom().nullItem();
        }
        byte[] hash = sha256(key);
        String remembered = HexFormat.of().formatHex(hash);
        Checked known = checked.get(remembered);
        if (known != null) {
            if (System.nanoTime() - known.untilNanos() < 0) {
                return Uni.createFrom().item(known.agentId());
            }
            checked.forget(remembered, known);
        }
        long before = changes.get();
        return StatementBatcher.bounded(db.preparedQuery("SELECT agent_id, secret_sha256 FROM agent_api_key WHERE key_id = $1 AND revoked_at IS NULL")
                .execute(Tuple.of(keyId)), "looking up an API key", ActionStore.ROUND_TRIP_LIMIT)
                .map(rows -> {
                    for (Row r : rows) {
                        if (MessageDigest.isEqual(hash, r.getBuffer("secret_sha256").getBytes())) {
                            String agentId = r.getString("agent_id");
                            remember(remembered, new Checked(keyId, agentId, System.nanoTime() + memory.toNanos()), before);
                            return agentId;
                        }
                    }
                    return null;
                })
                .onFailure().transform(e -> {
                    LOG.warnf("An agent's API key (id %s) could not be checked, so its request is answered 503: %s", keyId,
                            e.getMessage());
                    return new CredentialCheckUnavailable("The API key could not be checked just now (" + e.getMessage() + ")", e);
                });
    }

    /**
     * The key id of a well-formed key ({@code orgos_ak_<16 hex digits>_<43 base64url characters>}),
     * or null. Checked by hand: it runs on every request of an agent with a key, and the equivalent
     * regular expression was a few per cent of the gateway's CPU under load.
     */
    static String keyIdOf(String key) {
        if (key == null || key.length() != LENGTH || !key.startsWith(PREFIX) || key.charAt(PREFIX.length() + 16) != '_') {
            return null;
        }
        for (int i = PREFIX.length(); i < PREFIX.length() + 16; i++) {
            char c = key.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return null;
            }
        }
        for (int i = PREFIX.length() + 17; i < LENGTH; i++) {
            char c = key.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return null;
            }
        }
        return key.substring(PREFIX.length(), PREFIX.length() + 16);
    }

    /** Remembers a valid key, unless this replica may have missed a change to it since {@code before}. */
    private void remember(String hash, Checked c, long before) {
        if (!hearing) {
            return;
        }
        checked.remember(hash, c);
        if (changes.get() != before || !hearing) {
            // a notice (or the listener's loss) came while the database was asked, perhaps for this key
            checked.forget(hash, c);
        }
    }

    /** Whether this replica hears changes to keys now, and so remembers the keys it checks. */
    public boolean hearing() {
        return hearing;
    }

    /** How many keys this replica remembers. */
    public int remembered() {
        return checked.size();
    }

    /** Revokes a key; false when there is no such key or it was revoked already. */
    public Uni<Boolean> revoke(String keyId, String revokedBy) {
        return db.preparedQuery("UPDATE agent_api_key SET revoked_by = $2, revoked_at = $3 WHERE key_id = $1 AND revoked_at IS NULL")
                .execute(Tuple.of(keyId, revokedBy, OffsetDateTime.now(ZoneOffset.UTC)))
                .map(r -> {
                    // the notice reaches every replica, this one too, but perhaps after the admin's next request
                    forget(keyId);
                    return r.rowCount() == 1;
                });
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
