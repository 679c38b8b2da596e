package dev.orgos.bench;

import dev.orgos.schema.ActionProposed;
import dev.orgos.service.kafka.RegistryPatience;
import io.smallrye.mutiny.Uni;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a consumer pays per record for reading it through {@link RegistryPatience}, the failure
 * handler of the router's, the intake's, the ledger's and the gateway's channels. Without a handler
 * SmallRye calls the deserializer directly; with one, it wraps the call in a Uni and hands it to the
 * handler, which awaits it. The record is an action as a worker sends it, decoded by Avro's reader
 * as the registry serde does once it holds the schema.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class DeserializationHandlerBenchmark {

    byte[] bytes;
    SpecificDatumReader<ActionProposed> reader;
    RegistryPatience patience;
    BinaryDecoder decoder;
    /** The record's headers, which SmallRye hands over as they are. */
    final RecordHeaders headers = new RecordHeaders();

    @Setup
    public void build() throws IOException {
        ActionProposed action = ActionProposed.newBuilder().setEventId("6f1c9a52-6bde-4a8e-9a53-2a4f1c1f0e11")
                .setActionId("0b9a4f52-1d3e-4c59-8f0e-5d4c3b2a1f00").setAgentId("refund-bot-17")
                .setOccurredAt(Instant.ofEpochMilli(1_795_000_000_000L)).setActionType("refund.issue").setAmount(42.5)
                .setCurrency("EUR").setConfidence(0.97).setParameters(Map.of("orderId", "o-1", "items", 3L)).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new SpecificDatumWriter<>(ActionProposed.class).write(action, encoder);
        encoder.flush();
        bytes = out.toByteArray();
        reader = new SpecificDatumReader<>(ActionProposed.class);
        patience = new RegistryPatience(Duration.ofSeconds(60));
    }

    private Object decode() {
        try {
            decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
            return reader.read(null, decoder);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As SmallRye reads a record without a failure handler: the deserializer called directly. */
    @Benchmark
    public Object withoutHandler() {
        Supplier<Object> deserialize = this::decode;
        try {
            return deserialize.get();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** As SmallRye reads a record with RegistryPatience: the call wrapped in a Uni, handed to the handler. */
    @Benchmark
    public Object throughRegistryPatience() {
        return patience.decorateDeserialization(Uni.createFrom().item(this::decode), "orgos.actions", false, "avro", bytes, headers);
    }
}
