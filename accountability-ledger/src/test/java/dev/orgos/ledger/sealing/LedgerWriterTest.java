package dev.orgos.ledger.sealing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class LedgerWriterTest {

    @Test
    void aFencedProducerEndsSealingAndEverythingElseIsRewound() {
        assertTrue(LedgerWriter.producerUnusable(new ProducerFencedException("a newer producer")));
        assertTrue(LedgerWriter.producerUnusable(new KafkaException("commit failed", new ProducerFencedException("fenced"))),
                "found as a cause too");
        assertFalse(LedgerWriter.producerUnusable(new InvalidProducerEpochException("timed out")), "abortable: rewound");
        assertFalse(LedgerWriter.producerUnusable(new TimeoutException("broker away")));
        assertFalse(LedgerWriter.producerUnusable(new IllegalStateException("a bug in sealing")));
    }

    @Test
    void aFactFromAPublisherWhoseClockRunsAheadIsNamedToTheOperator() {
        java.time.Instant now = java.time.Instant.parse("2026-11-28T01:00:00Z");
        java.time.Instant occurred = now.plusSeconds(120);
        String warning = LedgerWriter.aheadWarning("f-1", "execution-gateway", occurred, now.toEpochMilli());
        assertTrue(warning != null && warning.contains("120,000 ms") && warning.contains("execution-gateway"), String.valueOf(warning));
        long withinMargin = occurred.minus(SealedState.CLOCK_MARGIN).toEpochMilli();
        assertNull(LedgerWriter.aheadWarning("f-1", "execution-gateway", occurred, withinMargin), "within the clock margin: nothing to say");
    }
}
