package dev.orgos.console;

import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;
import java.util.Optional;

/** The console's settings: where the services are, and how people sign in. */
@ConfigMapping(prefix = "orgos.console")
public interface ConsoleConfig {

    /** Base URL of the escalation service (queue, tasks, decisions, anchors, charters). */
    String escalationUrl();

    /** Base URL of the accountability ledger (entries, proofs, checkpoints). */
    String ledgerUrl();

    /**
     * Development sign-in: a properties file of {@code name.token} and {@code name.roles} lines
     * that ./orgos up writes for the demo's people. The console hands out those tokens; it can
     * mint none itself. Absent in production.
     */
    Optional<Path> devSignIns();

    /** The latest replay report of a candidate charter (JSON, from ./orgos charter replay --report). */
    Optional<Path> replayReport();
}
