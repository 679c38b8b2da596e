package dev.orgos.cli.ledger;

import dev.orgos.governance.ledger.MerkleTree;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "verify-consistency", mixinStandardHelpOptions = true,
        description = {"Check an RFC 9162 consistency proof: that the tree of size2 extends the tree of size1, changing nothing. "
                + "Hashes are base64 SHA-256; the proof is a comma-separated list and may be empty.",
                "Exit codes: 0 valid, 1 invalid or malformed input, 2 usage error."})
public final class VerifyConsistencyCommand implements Callable<Integer> {
    @Option(names = "--size1", required = true) long size1;
    @Option(names = "--size2", required = true) long size2;
    @Option(names = "--root1", required = true, paramLabel = "B64") String root1;
    @Option(names = "--root2", required = true, paramLabel = "B64") String root2;
    @Option(names = "--proof", defaultValue = "", paramLabel = "B64,B64,...") String proof;

    @Override
    public Integer call() {
        try {
            boolean ok = MerkleTree.verifyConsistency(size1, size2, Hashes.hash("--root1", root1), Hashes.hash("--root2", root2),
                    Hashes.list("--proof", proof));
            System.out.println(ok ? "valid: the tree of " + size2 + " extends the tree of " + size1 + " unchanged"
                    : "INVALID: the proof does not show the tree of " + size2 + " extending the tree of " + size1);
            return ok ? 0 : 1;
        } catch (Hashes.Malformed e) {
            System.out.println("INVALID input: " + e.getMessage());
            return 1;
        }
    }
}
