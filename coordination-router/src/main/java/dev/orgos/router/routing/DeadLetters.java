package dev.orgos.router.routing;

import dev.orgos.schema.DeadLetter;
import dev.orgos.schema.Topics;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import java.time.Instant;
import org.jboss.logging.Logger;

/** A record the router cannot decide goes to the dead-letter topic, in the same transaction, and the stream goes on. */
final class DeadLetters {
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private DeadLetters() {
    }

    static void send(RoutingTransactions.Outputs tx, KafkaRecord<String, ?> record, String reason, Instant now) {
        DeadLetter letter = dev.orgos.service.kafka.DeadLettering.letter("coordination-router",
                record.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow(), reason, now);
        tx.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.DEAD_LETTERS.topic(), letter.getKey(), letter));
        LOG.warnf("Sent record %s-%d@%d to %s: %s", record.getTopic(), letter.getPartition(), letter.getOffset(),
                Topics.DEAD_LETTERS.topic(), reason);
    }
}
