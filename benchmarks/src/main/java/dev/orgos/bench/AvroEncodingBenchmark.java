package dev.orgos.bench;

import dev.orgos.schema.AccountabilityFact;
import dev.orgos.schema.AnchorRef;
import dev.orgos.schema.CachingAvroDatumProvider;
import dev.orgos.schema.FactType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
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
 * One record encoded the way the registry serde does it (a 1 KB ByteArrayOutputStream, the magic
 * byte and an 8-byte id, then a direct binary encoder onto the stream), with Avro's own writer and
 * with CachingAvroDatumProvider's buffered one. The record is the router's "action decided" ledger
 * fact, one of the three or four records it writes for every action.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class AvroEncodingBenchmark {

    AccountabilityFact fact;
    DatumWriter<SpecificRecord> avros;
    DatumWriter<SpecificRecord> buffered;

    @Setup
    public void build() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("outcome", "AUTONOMOUS");
        details.put("actionType", "refund.issue");
        details.put("amount", "42.5");
        details.put("requiredApprovals", "1");
        fact = AccountabilityFact.newBuilder().setEventId("6f1c9a52-6bde-4a8e-9a53-2a4f1c1f0e11")
                .setActionId("0b9a4f52-1d3e-4c59-8f0e-5d4c3b2a1f00").setAgentId("refund-bot-17")
                .setOccurredAt(Instant.ofEpochMilli(1_795_000_000_000L)).setFactType(FactType.ACTION_DECIDED)
                .setSource("coordination-router").setAnchor(AnchorRef.newBuilder().setRole("finance-ops").setPerson(null).build())
                .setPathwayId("refunds").setCharterVersion(3L)
                .setCharterDigest("sha256:29144eaf67eb07379d2127309c2736f3e46434276aae64d7dd962604acbec056")
                .setTraceId("4bf92f3577b34da6a3ce929d0e0e4736")
                .setSummary("Action refund.issue by refund-bot-17 may proceed autonomously: within the refunds pathway's limits")
                .setDetails(details).build();
        avros = new SpecificDatumWriter<>(fact.getSchema());
        buffered = new CachingAvroDatumProvider<SpecificRecord>().createDatumWriter(fact, fact.getSchema());
    }

    private byte[] asTheSerde(DatumWriter<SpecificRecord> writer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        out.write(0);
        out.write(new byte[8]);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        writer.write(fact, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    @Benchmark
    public byte[] avrosOwnWriter() throws IOException {
        return asTheSerde(avros);
    }

    @Benchmark
    public byte[] bufferedWriter() throws IOException {
        return asTheSerde(buffered);
    }
}
