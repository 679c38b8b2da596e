package dev.orgos.service.logging;

import io.quarkus.logging.LoggingFilter;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Drops two warnings that are not ours and mean nothing to an operator. Any other warning, from
 * the same loggers too, passes. Enabled per service by {@code quarkus.log.console.filter=orgos-known-noise}.
 * <ul>
 * <li>At start-up, Micrometer saying that the reactive PostgreSQL client's
 * {@code postgresql.queue.size} gauge "has been already registered". Quarkus registers it once per
 * pooled client under the same name and tags; the gauge works and only the duplicate is ignored
 * (quarkusio/quarkus#47504, open).</li>
 * <li>At shutdown, SmallRye's "SRMSG18252: Failed to commit ..., it will be re-attempted" when
 * the cause is a {@code WakeupException}: SmallRye wakes its consumer only to close it (4.33,
 * {@code ReactiveKafkaConsumer.close}), so the commit in flight is cut short by the service stopping.
 * The offsets are read again by whoever consumes next, and every consumer here is idempotent.
 * The same warning with any other cause passes.</li>
 * </ul>
 */
@LoggingFilter(name = "orgos-known-noise")
public final class KnownNoise implements Filter {

    static final String METER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";

    static final String KAFKA_CONNECTOR = "io.smallrye.reactive.messaging.kafka";
    static final String WAKEUP = "org.apache.kafka.common.errors.WakeupException";

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record.getMessage();
        if (message == null) {
            return true;
        }
        if (METER_REGISTRY.equals(record.getLoggerName())) {
            return !(message.contains("has been already registered") && message.contains("postgresql.queue.size"));
        }
        if (KAFKA_CONNECTOR.equals(record.getLoggerName())) {
            return !(message.startsWith("SRMSG18252") && record.getThrown() != null && WAKEUP.equals(record.getThrown().getClass().getName()));
        }
        return true;
    }
}
