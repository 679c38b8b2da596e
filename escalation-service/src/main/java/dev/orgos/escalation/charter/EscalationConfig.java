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
}
