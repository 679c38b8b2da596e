package dev.orgos.ledger.api;

import dev.orgos.governance.ledger.Checkpoint;
import dev.orgos.governance.ledger.MerkleTree;
import dev.orgos.ledger.checkpoint.Checkpointer;
import dev.orgos.ledger.checkpoint.LeafCache;
import dev.orgos.service.problem.Problem;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** RFC 9162 proofs and signed checkpoints, for auditors. Hashes are base64. */
/**
 * Checkpoints and proofs: hashes only, so open to anyone signed in (an agent included) who wants
 * to check an entry they were shown; the entries themselves are guarded by LedgerResource.
 */
@Path("/v1/ledger")
@RolesAllowed("**")
@Produces(MediaType.APPLICATION_JSON)
public class ProofResource {

    @Inject
    LeafCache leaves;
    @Inject
    Checkpointer checkpointer;
    @Inject
    PgPool db;

    public record CheckpointView(long treeSize, String rootHash, long timestampMillis, String signature, String publicKey) {
        static CheckpointView of(Checkpoint c) {
            Base64.Encoder b = Base64.getEncoder();
            return new CheckpointView(c.treeSize(), b.encodeToString(c.rootHash()), c.timestampMillis(),
                    b.encodeToString(c.signature()), b.encodeToString(c.publicKey()));
        }
    }

    public record InclusionProof(long leafIndex, long treeSize, String leafHash, String rootHash, List<String> proof) {
    }

    public record ConsistencyProof(long size1, long size2, String root1, String root2, List<String> proof) {
    }

    @GET
    @Path("/checkpoints/latest")
    public Uni<Response> latest() {
        return db.query("SELECT * FROM ledger_checkpoint ORDER BY tree_size DESC LIMIT 1").execute().map(rows -> {
            if (!rows.iterator().hasNext()) {
                return Problem.response(404, "Not Found", "No checkpoint has been signed yet; POST /v1/ledger/checkpoints makes one.", null);
            }
            Row r = rows.iterator().next();
            return Response.ok(CheckpointView.of(new Checkpoint(r.getLong("tree_size"), r.getBuffer("root_hash").getBytes(),
                    r.getLong("timestamp_millis"), r.getBuffer("signature").getBytes(), r.getBuffer("public_key").getBytes()))).build();
        });
    }

    /** Signs a checkpoint now. */
    @POST
    @Path("/checkpoints")
    public Uni<CheckpointView> checkpointNow() {
        return checkpointer.checkpoint(true).map(CheckpointView::of);
    }

    /** Inclusion proof of entry {@code sequence} in the tree of {@code treeSize} entries (default: all stored). */
    @GET
    @Path("/proofs/inclusion")
    public Uni<Response> inclusion(@QueryParam("sequence") Long sequence, @QueryParam("treeSize") Long treeSize) {
        return leaves.current().map(list -> {
            long size = treeSize == null ? list.size() : treeSize;
            if (sequence == null || sequence < 0 || size > list.size() || sequence >= size) {
                return Problem.response(400, "Invalid proof request", "The tree has " + list.size() + " entries.",
                        List.of(new Problem.FieldError(sequence == null || sequence < 0 || sequence >= size ? "sequence" : "treeSize",
                                "must satisfy 0 <= sequence < treeSize <= " + list.size())));
            }
            Base64.Encoder b = Base64.getEncoder();
            return Response.ok(new InclusionProof(sequence, size, b.encodeToString(list.get(sequence.intValue())),
                    b.encodeToString(MerkleTree.root(list, (int) size)),
                    MerkleTree.inclusionProof(list, sequence.intValue(), (int) size).stream().map(b::encodeToString).toList())).build();
        });
    }

    /** Consistency proof between the trees of {@code first} and {@code second} entries. */
    @GET
    @Path("/proofs/consistency")
    public Uni<Response> consistency(@QueryParam("first") Long first, @QueryParam("second") Long second) {
        return leaves.current().map(list -> {
            if (first == null || second == null || first < 0 || first > second || second > list.size()) {
                return Problem.response(400, "Invalid proof request", "The tree has " + list.size() + " entries.",
                        List.of(new Problem.FieldError(first == null || first < 0 || (second != null && first > second) ? "first" : "second",
                                "must satisfy 0 <= first <= second <= " + list.size())));
            }
            Base64.Encoder b = Base64.getEncoder();
            return Response.ok(new ConsistencyProof(first, second, b.encodeToString(MerkleTree.root(list, first.intValue())),
                    b.encodeToString(MerkleTree.root(list, second.intValue())),
                    MerkleTree.consistencyProof(list, first.intValue(), second.intValue()).stream().map(b::encodeToString).toList())).build();
        });
    }
}
