package dev.orgos.service.kafka;

import io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler;
import java.nio.charset.StandardCharsets;
import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Why a consumed record is not what its topic carries, in words for its dead letter.
 *
 * <p>The registry's reader makes the class the writer's schema names, so a record of another
 * contract written to a topic (a Verdict on the actions topic, say) arrives as that class. Each
 * consumer reads its payload as an {@code Object} and checks it: a cast would fail the whole batch
 * at every try, and the stream behind it would stop.
 */
public final class OtherContracts {
    private OtherContracts() {
    }

    /**
     * For a record that was read, but as another contract: "the record is a dev.orgos.schema.Verdict,
     * not an ActionProposed". {@code expected} carries its article.
     */
    public static String notThe(String expected, Object payload) {
        String name = payload instanceof GenericContainer c ? c.getSchema().getFullName() : payload.getClass().getName();
        return "the record is a " + name + ", not " + expected;
    }

    /** A batch sorted: the records of the expected contract, and the dead letters of the others (a Uni to run, in order). */
    public record Sorted<T>(java.util.List<io.smallrye.reactive.messaging.kafka.KafkaRecord<String, T>> readable,
                            io.smallrye.mutiny.Uni<Void> deadLetters) {
    }

    /**
     * Sorts a consumed batch: the records whose payload is a {@code contract} (named with its article in
     * {@code expected}) are kept; each other one is handed to {@code deadLetter} with its reason.
     */
    public static <T> Sorted<T> sort(Iterable<io.smallrye.reactive.messaging.kafka.KafkaRecord<String, T>> batch, Class<T> contract,
            String expected, java.util.function.BiFunction<io.smallrye.reactive.messaging.kafka.KafkaRecord<String, T>, String,
                    io.smallrye.mutiny.Uni<Void>> deadLetter) {
        java.util.List<io.smallrye.reactive.messaging.kafka.KafkaRecord<String, T>> readable = new java.util.ArrayList<>();
        io.smallrye.mutiny.Uni<Void> letters = io.smallrye.mutiny.Uni.createFrom().voidItem();
        for (var r : batch) {
            Object payload = r.getPayload(); // as Object: a record of another contract arrives as its own class
            if (contract.isInstance(payload)) {
                readable.add(r);
            } else {
                String reason = why(expected, payload, r.getHeaders());
                letters = letters.chain(() -> deadLetter.apply(r, reason));
            }
        }
        return new Sorted<>(readable, letters);
    }

    /** Why a payload that is not the {@code expected} contract is refused: unread (null), or read as another contract. */
    public static String why(String expected, Object payload, Headers headers) {
        return payload == null ? unreadable(expected, headers) : notThe(expected, payload);
    }

    /** For a record that could not be read at all: why, as the deserializer said it. */
    public static String unreadable(String expected, Headers headers) {
        Header why = headers.lastHeader(DeserializationFailureHandler.DESERIALIZATION_FAILURE_REASON);
        return "the record could not be read as " + expected + (why == null ? "" : ": " + new String(why.value(), StandardCharsets.UTF_8));
    }
}
