package dev.orgos.cli.ledger;

import dev.orgos.governance.ledger.MerkleTree;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "verify-inclusion", mixinStandardHelpOptions = true,
        description = {"Check an RFC 9162 inclusion proof: that the leaf hash is leaf N of the tree of the given size and root. "
                + "Hashes are base64 SHA-256; the proof is a comma-separated list and may be empty.",
                "Exit codes: 0 valid, 1 invalid or malformed input, 2 usage error."})
public final class VerifyInclusionCommand implements Callable<Integer> {
    @Option(names = "--leaf-index", required = true) long leafIndex;
    @Option(names = "--tree-size", required = true) long treeSize;
    @Option(names = "--root", required = true, paramLabel = "B64") String root;
    @Option(names = "--leaf-hash", required = true, paramLabel = "B64",
            description = "The leaf hash, SHA-256(0x00 || leaf); for an orgos entry the leaf is its entry hash.") String leafHash;
    @Option(names = "--proof", defaultValue = "", paramLabel = "B64,B64,...") String proof;

    @Override
    public Integer call() {
        try {
            boolean ok = MerkleTree.verifyInclusion(leafIndex, treeSize, Hashes.hash("--leaf-hash", leafHash),
                    Hashes.list("--proof", proof), Hashes.hash("--root", root));
            System.out.println(ok ? "valid: leaf " + leafIndex + " is in the tree of " + treeSize + " with that root"
                    : "INVALID: the proof does not lead from that leaf to that root");
            return ok ? 0 : 1;
        } catch (Hashes.Malformed e) {
            System.out.println("INVALID input: " + e.getMessage());
            return 1;
        }
    }
}
