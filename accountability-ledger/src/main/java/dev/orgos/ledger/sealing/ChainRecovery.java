package dev.orgos.ledger.sealing;

import dev.orgos.governance.ledger.LedgerChain;
import dev.orgos.schema.LedgerEntry;
import dev.orgos.schema.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/** Reads the committed tail of the ledger topic to find the chain's head and the recent event ids. */
@ApplicationScoped
public class ChainRecovery {
    private static final Logger LOG = Logger.getLogger(ChainRecovery.class);

    @Inject
    dev.orgos.service.kafka.MeshClients mesh;

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** When the fact says it occurred (its canonical bytes hold it); its sealing time if they cannot be read. */
    static long occurredAt(java.nio.ByteBuffer canonical, long sealedAtMillis) {
        try {
            byte[] bytes = new byte[canonical.remaining()];
            canonical.duplicate().get(bytes);
            var occurred = JSON.readTree(bytes).get("occurredAt");
            return occurred != null && occurred.canConvertToLong() ? occurred.asLong() : sealedAtMillis;
        } catch (java.io.IOException e) {
            return sealedAtMillis;
        }
    }

    SealedState recover(int window) {
        Properties p = mesh.reader();
        TopicPartition tp = new TopicPartition(Topics.LEDGER.topic(), 0);
        try (KafkaConsumer<String, LedgerEntry> c = new KafkaConsumer<>(p)) {
            c.assign(List.of(tp));
            c.seekToEnd(List.of(tp));
            long end = c.position(tp);
            if (end == 0) {
                LOG.info("The ledger is empty: sealing starts at sequence 0");
                return SealedState.empty(window);
            }
            c.seek(tp, Math.max(0, end - window));
            LinkedHashMap<String, SealedState.ReadBack> readBack = new LinkedHashMap<>();
            LedgerEntry last = null;
            while (c.position(tp) < end) {
                for (ConsumerRecord<String, LedgerEntry> r : c.poll(Duration.ofMillis(500))) {
                    if (r.value() != null) {
                        last = r.value();
                        long sealed = last.getSealedAt().toEpochMilli();
                        readBack.put(last.getFactEventId(), new SealedState.ReadBack(sealed, occurredAt(last.getFact(), sealed)));
                    }
                }
            }
            if (last == null) {
                return SealedState.empty(window);
            }
            byte[] head = new byte[last.getEntryHash().remaining()];
            last.getEntryHash().duplicate().get(head);
            LOG.infof("Ledger head is sequence %d; sealing continues at %d", last.getSequence(), last.getSequence() + 1);
            return SealedState.recovered(new LedgerChain(last.getSequence() + 1, head), readBack, window);
        }
    }
}
