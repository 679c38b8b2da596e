package dev.orgos.service.kafka;

import dev.orgos.schema.DeadLetter;
import io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.common.header.Header;

/** The dead letter of a consumed record, as every service writes it to {@code orgos.dead-letters}. */
public final class DeadLettering {
    private DeadLettering() {
    }

    /**
     * The most bytes of an unreadable record a letter keeps. A record near Kafka's 1 MiB limit, kept
     * whole, made a letter the broker refuses, and the service retried it for ever: the stream it
     * was meant to free stopped behind it instead. A larger record's bytes stay at its own offset.
     */
    public static final int LONGEST_PAYLOAD = 256 * 1024;

    /** The letter for the record at {@code meta}, from {@code source}, with why it is not processed. */
    public static DeadLetter letter(String source, IncomingKafkaRecordMetadata<?, ?> meta, String reason, Instant now) {
        Header data = meta.getHeaders().lastHeader(DeserializationFailureHandler.DESERIALIZATION_FAILURE_DATA);
        boolean keep = data != null && data.value() != null && data.value().length <= LONGEST_PAYLOAD;
        String why = data != null && data.value() != null && !keep
                ? reason + " (its " + data.value().length + " bytes are not copied here: read them at the offset)" : reason;
        return DeadLetter.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(now).setSource(source)
                .setSourceTopic(meta.getTopic()).setPartition(meta.getPartition()).setOffset(meta.getOffset())
                .setKey(meta.getKey() == null ? null : meta.getKey().toString()).setReason(why)
                .setPayload(keep ? ByteBuffer.wrap(data.value()) : null).build();
    }
}
