package dev.orgos.escalation.outbox;

import dev.orgos.schema.Topics;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Writes events into the outbox table, inside the caller's database transaction: they exist if
 * and only if the state change that caused them was committed.
 */
@ApplicationScoped
public class Outbox {

    public Uni<Void> add(Topics topic, String key, SpecificRecordBase record, String traceId) {
        OutboxEntry e = new OutboxEntry();
        e.topic = topic.topic();
        e.recordKey = key;
        e.recordType = record.getClass().getName();
        e.payload = encode(record);
        e.traceId = traceId;
        e.createdAt = Instant.now();
        return e.persist().replaceWithVoid();
    }

    static byte[] encode(SpecificRecordBase record) {
        try {
            var m = record.getClass().getMethod("toByteBuffer");
            ByteBuffer b = (ByteBuffer) m.invoke(record);
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return bytes;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot encode " + record.getClass().getName(), e);
        }
    }

    static SpecificRecordBase decode(String type, byte[] payload) {
        try {
            var m = Class.forName(type).getMethod("fromByteBuffer", ByteBuffer.class);
            return (SpecificRecordBase) m.invoke(null, ByteBuffer.wrap(payload));
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new UncheckedIOException(new IOException("cannot decode outbox record of type " + type, e.getCause()));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("unknown outbox record type " + type, e);
        }
    }
}
