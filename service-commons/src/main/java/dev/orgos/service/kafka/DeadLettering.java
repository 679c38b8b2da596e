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

    /** The most characters of the record's key, and of the reason, a letter keeps: with the payload, it stays a record the broker takes. */
    public static final int LONGEST_TEXT = 1024;

    /**
     * The letter for the record at {@code meta}, from {@code source}, with why it is not processed. Its
     * event id is derived from the record's place, so that a letter written again for the same record
     * (a retry, a restart) is known as the same letter.
     */
    public static DeadLetter letter(String source, IncomingKafkaRecordMetadata<?, ?> meta, String reason, Instant now) {
        Header data = meta.getHeaders().lastHeader(DeserializationFailureHandler.DESERIALIZATION_FAILURE_DATA);
        boolean keep = data != null && data.value() != null && data.value().length <= LONGEST_PAYLOAD;
        String why = data != null && data.value() != null && !keep
                ? reason + " (its " + data.value().length + " bytes are not copied here: read them at the offset)" : reason;
        String place = source + " " + meta.getTopic() + "-" + meta.getPartition() + "@" + meta.getOffset();
        return DeadLetter.newBuilder().setEventId(UUID.nameUUIDFromBytes(place.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString())
                .setOccurredAt(now).setSource(source)
                .setSourceTopic(meta.getTopic()).setPartition(meta.getPartition()).setOffset(meta.getOffset())
                .setKey(meta.getKey() == null ? null : bounded(meta.getKey().toString())).setReason(bounded(why))
                .setPayload(keep ? ByteBuffer.wrap(data.value()) : null).build();
    }

    /** {@code text}, or its first {@link #LONGEST_TEXT} characters and how long it was. */
    static String bounded(String text) {
        return text.length() <= LONGEST_TEXT ? text : text.substring(0, LONGEST_TEXT) + "... (" + text.length() + " characters)";
    }
}
