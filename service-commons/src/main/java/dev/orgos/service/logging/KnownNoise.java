package dev.orgos.service.logging;

import io.quarkus.logging.LoggingFilter;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Drops the one start-up warning that is not ours and means nothing to an operator: Micrometer
 * saying that the reactive PostgreSQL client's {@code postgresql.queue.size} gauge "has been already
 * registered". Quarkus registers it once per pooled client under the same name and tags; the
 * gauge works and only the duplicate is ignored (quarkusio/quarkus#47504, open). Any other
 * warning, from Micrometer too, passes. Enabled per service by
 * {@code quarkus.log.console.filter=orgos-known-noise}.
 */
@LoggingFilter(name = "orgos-known-noise")
public final class KnownNoise implements Filter {

    static final String METER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";

    @Override
    public boolean isLoggable(LogRecord record) {
        if (!METER_REGISTRY.equals(record.getLoggerName())) {
            return true;
        }
        String message = record.getMessage();
        return message == null || !(message.contains("has been already registered") && message.contains("postgresql.queue.size"));
    }
}
