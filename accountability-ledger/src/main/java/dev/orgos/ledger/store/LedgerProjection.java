package dev.orgos.ledger.store;

import dev.orgos.schema.LedgerEntry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Copies sealed entries into PostgreSQL. Inserts only, idempotent by sequence: replays change nothing. */
@ApplicationScoped
public class LedgerProjection {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(LedgerProjection.class);

    @Inject
    PgPool db;

    /** In batches: one round trip for many entries keeps the database from competing with the sealing for the CPU. */
    @Incoming("ledger-store")
    public Uni<Void> store(List<?> batch) {
        // Read as objects: only the ledger's writer appends to its topic, but a record of another contract
        // would arrive as that class and fail every retry of its batch, and the copy would stop there.
        List<Tuple> rows = new java.util.ArrayList<>(batch.size());
        for (Object o : batch) {
            if (o instanceof LedgerEntry e) {
                rows.add(row(e));
            } else {
                LOG.errorf("The database's copy skips a record on the ledger topic: %s", o == null
                        ? "the record could not be read as a LedgerEntry" : dev.orgos.service.kafka.OtherContracts.notThe("a LedgerEntry", o));
            }
        }
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return db.preparedQuery("""
                INSERT INTO ledger_entry (sequence, sealed_at, fact_event_id, fact_type, action_id, agent_id, anchor_role,
                    anchor_person, pathway_id, charter_version, charter_digest, trace_id, fact, previous_hash, entry_hash)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
                ON CONFLICT (sequence) DO NOTHING""")
                .executeBatch(rows)
                // a database hiccup is retried; if it persists, the channel stops (health DOWN)
                // rather than skip an entry and leave a gap in the auditors' copy
                .onFailure().retry().withBackOff(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(5)).atMost(10)
                .replaceWithVoid();
    }

    private static Tuple row(LedgerEntry e) {
        return Tuple.from(Arrays.asList(e.getSequence(), e.getSealedAt().atOffset(ZoneOffset.UTC), e.getFactEventId(),
                e.getFactType().name(), e.getActionId(), e.getAgentId(), e.getAnchor().getRole(), e.getAnchor().getPerson(),
                e.getPathwayId(), e.getCharterVersion(), e.getCharterDigest(), e.getTraceId(),
                io.vertx.core.buffer.Buffer.buffer(bytes(e.getFact())),
                io.vertx.core.buffer.Buffer.buffer(bytes(e.getPreviousHash())),
                io.vertx.core.buffer.Buffer.buffer(bytes(e.getEntryHash()))));
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
