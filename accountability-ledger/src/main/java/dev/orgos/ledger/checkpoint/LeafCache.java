package dev.orgos.ledger.checkpoint;

import dev.orgos.governance.ledger.MerkleTree;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The Merkle leaves (leaf i = SHA-256(0x00 || entry hash of entry i)) of the contiguous prefix of
 * the ledger stored here, read from PostgreSQL and extended as entries arrive. 32 bytes a leaf:
 * a million entries take 32 MB.
 */
@ApplicationScoped
public class LeafCache {

    @Inject
    PgPool db;

    private final List<byte[]> leaves = Collections.synchronizedList(new ArrayList<>());

    /** The leaves of the contiguous prefix, after reading what was added since the last call. */
    public Uni<List<byte[]>> current() {
        return db.preparedQuery("SELECT sequence, entry_hash FROM ledger_entry WHERE sequence >= $1 ORDER BY sequence LIMIT 100000")
                .execute(Tuple.of((long) leaves.size()))
                .map(rows -> {
                    synchronized (leaves) {
                        for (Row r : rows) {
                            if (r.getLong("sequence") != leaves.size()) {
                                break; // a gap: the projection has not stored that entry yet
                            }
                            leaves.add(MerkleTree.leafHash(r.getBuffer("entry_hash").getBytes()));
                        }
                        return List.copyOf(leaves);
                    }
                });
    }
}
