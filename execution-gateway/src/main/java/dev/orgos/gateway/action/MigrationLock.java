package dev.orgos.gateway.action;

import io.quarkus.flyway.FlywayConfigurationCustomizer;
import jakarta.inject.Singleton;
import java.util.Map;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Flyway holds its PostgreSQL lock (an advisory lock that keeps two replicas from migrating at
 * once) for the session instead of inside a transaction. Inside a transaction, as Flyway does by
 * default, the lock's own transaction is one that {@code CREATE INDEX CONCURRENTLY} waits to see
 * end, and it ends only once the migration is done: the gateway hung at start-up on V10 until this.
 * Concurrent index builds are how a migration adds an index without stopping the submissions of the
 * replicas still running the previous version.
 */
@Singleton
public class MigrationLock implements FlywayConfigurationCustomizer {

    @Override
    public void customize(FluentConfiguration configuration) {
        configuration.configuration(Map.of("flyway.postgresql.transactional.lock", "false"));
    }
}
