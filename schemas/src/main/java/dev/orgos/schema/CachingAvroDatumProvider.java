package dev.orgos.schema;

import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The registry serde's datum provider, with its readers and writers cached by schema instead of
 * by schema fingerprint: the default computes Avro's parsing fingerprint (a full normalisation
 * of the schema) for every record it serializes, which profiling showed as the largest single
 * cost of routing. Schemas of generated classes are singletons and the serde keeps one parsed
 * schema per registry id, so the cache stays as small as the number of schemas.
 * Configured for every client: {@code apicurio.registry.avro-datum-provider}.
 */
public class CachingAvroDatumProvider<T> extends DefaultAvroDatumProvider<T> {

    private record WriterKey(Schema schema, boolean specific) {
    }

    private final ConcurrentHashMap<WriterKey, DatumWriter<T>> writers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Schema, DatumReader<T>> readers = new ConcurrentHashMap<>();

    @Override
    public DatumWriter<T> createDatumWriter(T data, Schema schema) {
        return writers.computeIfAbsent(new WriterKey(schema, data instanceof SpecificRecord),
                k -> super.createDatumWriter(data, schema));
    }

    @Override
    public DatumReader<T> createDatumReader(Schema schema) {
        return readers.computeIfAbsent(schema, super::createDatumReader);
    }
}
