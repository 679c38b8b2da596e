package dev.orgos.escalation.charter;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "orgos.escalation")
public interface EscalationConfig {

    /** Name of this service in ledger facts. */
    @WithDefault("escalation-service")
    String source();

    /** How often the outbox relay looks for events left behind (it also runs right after every commit). */
    @WithDefault("1s")
    Duration outboxInterval();

    /**
     * When a relay run still in progress is reported, and again as often while it goes on. Every wait
     * in a run is bounded (a Kafka send by 30 s, a registry request by 10 s), so a run that is
     * reported for long is stuck on something that is not.
     */
    @WithDefault("30s")
    Duration outboxWarnAfter();

    /**
     * When a relay run still in progress turns the liveness check DOWN, so that the service is
     * restarted: a relay that never finishes its run publishes nothing more.
     */
    @WithDefault("5m")
    Duration outboxStuckAfter();

    /**
     * Whether the outbox is published. Off only to simulate a crash between the database commit
     * and the publish: the events then wait in the outbox until a relay runs.
     */
    @WithDefault("true")
    boolean outboxRelayEnabled();

    /**
     * The outbox relay's Kafka transactional id: unique per instance (rows are claimed in the
     * database, so two relays never publish the same row at once; the id only keeps each relay's
     * transactions apart). A Kafka ACL grants its prefix.
     */
    String transactionalId();

    /** How often overdue escalations are moved up their chain or expired. */
    @WithDefault("1s")
    Duration deadlineCheckInterval();

    /** Where assignments and escalations are announced, besides the log. */
    Webhook webhook();

    interface Webhook {
        /** The URL that receives a signed JSON POST per assignment or escalation; none by default. */
        java.util.Optional<String> url();

        /** The shared secret of the X-Orgos-Signature HMAC-SHA256 header; from the environment, never the repository. */
        java.util.Optional<String> secret();
    }
}
