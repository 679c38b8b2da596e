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
}
