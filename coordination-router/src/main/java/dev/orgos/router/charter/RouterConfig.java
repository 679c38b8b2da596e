package dev.orgos.router.charter;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "orgos.router")
public interface RouterConfig {

    /** Name of this service in ledger facts and dead letters. */
    @WithDefault("coordination-router")
    String source();

    /**
     * How long a charter activation marker may wait for its charter to be read from the
     * charters topic; after that the partition runs with no valid charter (everything escalates).
     */
    @WithDefault("60s")
    Duration charterWait();

    /**
     * Transactional id of this instance's producer: unique per instance (a UUID in it), so that a
     * replica never fences another; a restarted instance's stale transaction is aborted by the
     * broker after its timeout, and the consumer group's generation fences a member that lost
     * its partitions.
     */
    String transactionalId();
}
