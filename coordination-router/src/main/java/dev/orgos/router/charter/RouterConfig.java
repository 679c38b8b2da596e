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
     * How long after its decision an action id is remembered, so that a resubmission of it (a
     * Kafka-native worker's retry, or the gateway sending again after a crash) gets no second
     * decision; one resubmitted later is decided again. Memory grows with it: about 60 bytes per
     * action decided in the window (a 36-character id), e.g. 500 MB across the routers for 100
     * actions/s over 24 hours. Keep it within the retention of {@code orgos.router-state}
     * (7 days), from which a partition's new owner restores it.
     */
    @WithDefault("24h")
    Duration dedupWindow();

    /**
     * When a routing transaction still in progress is said in the log, with where its thread waits
     * (and again as often while it goes on). Every wait in one is bounded well below this, save
     * the producer's own (max.block.ms, 60 s) when the broker is away.
     */
    @WithDefault("30s")
    Duration transactionWarnAfter();

    /**
     * When a routing transaction still in progress makes the router's liveness DOWN, for its
     * orchestrator to restart it: longer than the producer's bounded waits added up, so that a broker
     * that is away does not have routers restarted over and over.
     */
    @WithDefault("5m")
    Duration transactionStuckAfter();

    /**
     * Transactional id of this instance's producer: unique per instance (a UUID in it), so that a
     * replica never fences another; a restarted instance's stale transaction is aborted by the
     * broker after its timeout, and the consumer group's generation fences a member that lost
     * its partitions.
     */
    String transactionalId();
}
