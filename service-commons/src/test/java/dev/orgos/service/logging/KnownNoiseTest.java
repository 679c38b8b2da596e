package dev.orgos.service.logging;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class KnownNoiseTest {

    private static LogRecord record(String logger, String message) {
        LogRecord r = new LogRecord(Level.WARNING, message);
        r.setLoggerName(logger);
        return r;
    }

    @Test
    void theDuplicateQueueGaugeWarningIsDroppedAndEveryOtherWarningPasses() {
        KnownNoise filter = new KnownNoise();
        // as Quarkus 3.33 logs it at start-up
        assertFalse(filter.isLoggable(record(KnownNoise.METER_REGISTRY, "This Gauge has been already registered (MeterId{name="
                + "'postgresql.queue.size', tags=[tag(clientName=<default>),tag(clientType=sql)]}), the registration will be ignored. "
                + "Note that subsequent logs will be logged at debug level.")));
        assertTrue(filter.isLoggable(record(KnownNoise.METER_REGISTRY, "This Gauge has been already registered (MeterId{name="
                + "'orgos.router.remembered.actions', tags=[]}), the registration will be ignored.")), "a gauge of ours would be a bug");
        assertTrue(filter.isLoggable(record("dev.orgos.gateway.action.StateChanges",
                "This Gauge has been already registered (MeterId{name='postgresql.queue.size'})")), "another logger's words pass");
        assertTrue(filter.isLoggable(record(KnownNoise.METER_REGISTRY, null)));
    }

    @Test
    void aCommitCutShortByTheConsumerClosingIsDroppedAndAnyOtherFailedCommitPasses() {
        KnownNoise filter = new KnownNoise();
        String failed = "SRMSG18252: Failed to commit %s, it will be re-attempted"; // the pattern, as jboss-logging hands it over
        LogRecord closing = record(KnownNoise.KAFKA_CONNECTOR, failed);
        closing.setThrown(new org.apache.kafka.common.errors.WakeupException());
        assertFalse(filter.isLoggable(closing));
        LogRecord timedOut = record(KnownNoise.KAFKA_CONNECTOR, failed);
        timedOut.setThrown(new org.apache.kafka.common.errors.TimeoutException("Timeout of 60000ms expired before committing"));
        assertTrue(filter.isLoggable(timedOut), "a commit that failed for any other reason is worth a look");
        LogRecord other = record(KnownNoise.KAFKA_CONNECTOR, "SRMSG18229: Unable to read a record from Kafka topic 'orgos.actions'");
        other.setThrown(new org.apache.kafka.common.errors.WakeupException());
        assertTrue(filter.isLoggable(other));
    }
}
