package dev.orgos.router.charter;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

@ConfigMapping(prefix = "orgos.router")
public interface RouterConfig {

    /**
     * The charter file the router enforces. Without one (or with an invalid one) the router still
     * runs and escalates every action: fail closed.
     */
    Optional<String> charterFile();

    /** Name of this service in ledger facts. */
    @WithDefault("coordination-router")
    String source();
}
