package dev.orgos.ledger.checkpoint;

import dev.orgos.governance.ledger.Checkpoint;
import dev.orgos.governance.ledger.MerkleTree;
import dev.orgos.schema.LedgerCheckpoint;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.Record;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/** Signs the ledger's Merkle root periodically (when it grew) and on demand, to the checkpoints topic and PostgreSQL. */
@ApplicationScoped
public class Checkpointer {
    private static final Logger LOG = Logger.getLogger(Checkpointer.class);

    @Inject
    LeafCache leaves;
    @Inject
    SigningKey key;
    @Inject
    PgPool db;
    @Inject
    dev.orgos.ledger.metrics.LedgerMetrics metrics;

    @Inject
    @Channel("checkpoints-out")
    jakarta.enterprise.inject.Instance<Emitter<Record<String, LedgerCheckpoint>>> emitter;

    private volatile long lastSize = -1;

    @Scheduled(every = "${orgos.ledger.checkpoint-interval:10s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    public Uni<Void> periodic() {
        return checkpoint(false).replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("Checkpoint failed, will try again: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Signs the current tree; with {@code force} even when nothing was added since the last checkpoint. */
    public Uni<Checkpoint> checkpoint(boolean force) {
        return leaves.current().chain(list -> {
            if (!force && list.size() == lastSize) {
                return Uni.createFrom().nullItem();
            }
            Checkpoint c = Checkpoint.sign(list.size(), MerkleTree.root(list, list.size()), Instant.now().toEpochMilli(),
                    key.privateKey(), key.publicKey());
            LedgerCheckpoint record = LedgerCheckpoint.newBuilder().setEventId(UUID.randomUUID().toString())
                    .setOccurredAt(Instant.ofEpochMilli(c.timestampMillis())).setTreeSize(c.treeSize())
                    .setRootHash(ByteBuffer.wrap(c.rootHash())).setTimestampMillis(c.timestampMillis())
                    .setSignature(ByteBuffer.wrap(c.signature())).setPublicKey(ByteBuffer.wrap(c.publicKey())).build();
            return Uni.createFrom().completionStage(emitter.get().send(Record.of(Long.toString(c.treeSize()), record)))
                    .chain(() -> db.preparedQuery("""
                            INSERT INTO ledger_checkpoint (tree_size, root_hash, timestamp_millis, signature, public_key)
                            VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tree_size) DO NOTHING""")
                            .execute(Tuple.of(c.treeSize(), io.vertx.core.buffer.Buffer.buffer(c.rootHash()), c.timestampMillis(),
                                    io.vertx.core.buffer.Buffer.buffer(c.signature()), io.vertx.core.buffer.Buffer.buffer(c.publicKey()))))
                    .invoke(() -> {
                        lastSize = c.treeSize();
                        metrics.checkpointed(c.treeSize(), c.timestampMillis());
                        LOG.infof("Checkpoint signed: %d entries, root %s", c.treeSize(),
                                java.util.Base64.getEncoder().encodeToString(c.rootHash()));
                    })
                    .replaceWith(c);
        });
    }
}
