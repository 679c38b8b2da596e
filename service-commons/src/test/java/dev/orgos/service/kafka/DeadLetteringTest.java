package dev.orgos.service.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgos.schema.DeadLetter;
import io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class DeadLetteringTest {

    static IncomingKafkaRecordMetadata<String, Object> at(long offset, String key, byte[] unreadable) {
        ConsumerRecord<String, Object> r = new ConsumerRecord<>("orgos.actions", 3, offset, key, null);
        if (unreadable != null) {
            r.headers().add(DeserializationFailureHandler.DESERIALIZATION_FAILURE_DATA, unreadable);
        }
        return new IncomingKafkaRecordMetadata<>(r, "actions");
    }

    @Test
    void aLetterWrittenAgainForTheSameRecordIsTheSameLetter() {
        DeadLetter first = DeadLettering.letter("coordination-router", at(7, "k", null), "why", Instant.EPOCH);
        DeadLetter again = DeadLettering.letter("coordination-router", at(7, "k", null), "why", Instant.now());
        assertEquals(first.getEventId(), again.getEventId());
        assertNotEquals(first.getEventId(), DeadLettering.letter("coordination-router", at(8, "k", null), "why", Instant.EPOCH).getEventId());
        assertEquals("orgos.actions", first.getSourceTopic());
        assertEquals(3, first.getPartition());
        assertEquals(7L, first.getOffset());
    }

    /** What a letter carries stays well under what the broker takes in a record, whatever the record was. */
    @Test
    void aLetterKeepsAtMostAKibibyteOfKeyAndReasonAndTheBytesOfASmallRecordOnly() {
        DeadLetter small = DeadLettering.letter("x", at(1, "k", new byte[] {1, 2, 3}), "unreadable", Instant.EPOCH);
        assertEquals(3, small.getPayload().remaining());

        DeadLetter large = DeadLettering.letter("x", at(1, "k".repeat(400_000), new byte[DeadLettering.LONGEST_PAYLOAD + 1]),
                "r".repeat(5_000), Instant.EPOCH);
        assertNull(large.getPayload(), "a large record's bytes stay at its offset");
        assertTrue(large.getKey().length() < 1_100 && large.getKey().endsWith("(400000 characters)"), large.getKey());
        assertTrue(large.getReason().length() < 1_100 && large.getReason().endsWith("characters)"), large.getReason());
    }
}
