package dev.orgos.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class CachingAvroDatumProviderTest {

    final CachingAvroDatumProvider<SpecificRecord> provider = new CachingAvroDatumProvider<>();

    static ActionProposed action(String description) {
        return ActionProposed.newBuilder().setEventId("e-1").setActionId("act-1").setAgentId("refund-bot")
                .setOccurredAt(Instant.ofEpochMilli(1_790_000_000_000L)).setActionType("refund.issue").setDescription(description)
                .setAmount(12.5).setCurrency("EUR").setReversible(true)
                .setParameters(Map.of("items", 3L, "express", true, "note", "ünïcode ✓", "ratio", 0.25)).build();
    }

    /** What the serde does: a direct encoder straight onto its stream. */
    static byte[] asTheSerdeWrites(DatumWriter<SpecificRecord> writer, SpecificRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        writer.write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    static byte[] plain(SpecificRecord record) throws IOException {
        return asTheSerdeWrites(new SpecificDatumWriter<>(record.getSchema()), record);
    }

    @Test
    void theBufferedWriterWritesTheSameBytesAsAvrosOwnAndTheyReadBack() throws IOException {
        ActionProposed action = action("refund for a broken kettle");
        DatumWriter<SpecificRecord> writer = provider.createDatumWriter(action, action.getSchema());
        assertInstanceOf(CachingAvroDatumProvider.Buffered.class, writer);
        assertSame(writer, provider.createDatumWriter(action("another"), action.getSchema()), "one writer per schema");
        byte[] bytes = asTheSerdeWrites(writer, action);
        assertArrayEquals(plain(action), bytes);
        ActionProposed read = new SpecificDatumReader<>(ActionProposed.class)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        assertEquals(action, read);
        // again on the same thread, with the buffer it kept: nothing of the first record is left in it
        Verdict verdict = Verdict.newBuilder().setEventId("e-2").setActionId("act-1").setAgentId("refund-bot")
                .setOccurredAt(Instant.ofEpochMilli(1_790_000_000_001L)).setStatus(VerdictStatus.AUTONOMOUS)
                .setAnchor(AnchorRef.newBuilder().setRole("finance-ops").setPerson(null).build()).setReason("in bounds")
                .setCharterVersion(3).build();
        assertArrayEquals(plain(verdict), asTheSerdeWrites(provider.createDatumWriter(verdict, verdict.getSchema()), verdict));
    }

    @Test
    void aWriteThatFailsHalfwayLeavesNothingBehindForTheNext() throws IOException {
        ActionProposed action = action("fine");
        DatumWriter<SpecificRecord> writer = provider.createDatumWriter(action, action.getSchema());
        ActionProposed broken = action("fine");
        broken.setActionType(null); // fields before it are written into the buffer, then the writer refuses
        assertThrows(RuntimeException.class, () -> asTheSerdeWrites(writer, broken));
        assertArrayEquals(plain(action), asTheSerdeWrites(writer, action));
    }

    @Test
    void aRecordLargerThanTheBufferAThreadKeepsIsWrittenWhole() throws IOException {
        ActionProposed big = action("x".repeat(CachingAvroDatumProvider.Buffered.KEPT + 10));
        DatumWriter<SpecificRecord> writer = provider.createDatumWriter(big, big.getSchema());
        assertArrayEquals(plain(big), asTheSerdeWrites(writer, big));
        ActionProposed small = action("small again");
        assertArrayEquals(plain(small), asTheSerdeWrites(writer, small));
    }

    @Test
    void otherEncodingsAreWrittenAsBefore() throws IOException {
        ActionProposed action = action("as JSON");
        DatumWriter<SpecificRecord> writer = provider.createDatumWriter(action, action.getSchema());
        ByteArrayOutputStream buffered = new ByteArrayOutputStream();
        var json = EncoderFactory.get().jsonEncoder(action.getSchema(), buffered);
        writer.write(action, json);
        json.flush();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        var json2 = EncoderFactory.get().jsonEncoder(action.getSchema(), expected);
        new SpecificDatumWriter<SpecificRecord>(action.getSchema()).write(action, json2);
        json2.flush();
        assertEquals(expected.toString(java.nio.charset.StandardCharsets.UTF_8), buffered.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
}
