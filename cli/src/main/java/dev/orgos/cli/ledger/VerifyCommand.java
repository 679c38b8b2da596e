package dev.orgos.cli.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orgos.cli.MeshAddress;
import dev.orgos.cli.http.Api;
import dev.orgos.governance.ledger.Checkpoint;
import dev.orgos.governance.ledger.LedgerVerifier;
import dev.orgos.schema.LedgerCheckpoint;
import dev.orgos.schema.LedgerEntry;
import dev.orgos.schema.Topics;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Replay the ledger topic from the beginning, trusting no orgos database: recompute every entry's hash and "
                + "link, rebuild the Merkle tree, check every signed checkpoint, and optionally compare the service's API with "
                + "the topic entry by entry. Names the first entry that diverges (edited, missing, reordered, duplicated) and how.",
                "Exit codes: 0 intact, 1 tampered, 2 could not check."})
public final class VerifyCommand implements Callable<Integer> {

    @Mixin
    MeshAddress mesh;

    @Option(names = "--api", paramLabel = "URL", description = "The ledger service, to cross-check its API with the topic, e.g. http://127.0.0.1:8084")
    String api;

    @Option(names = "--token", paramLabel = "JWT", description = "An auditor's token for --api (default: $ORGOS_TOKEN).")
    String token;

    @Option(names = "--public-key", paramLabel = "FILE|B64",
            description = "The checkpoint signing key you trust (PEM file or base64 X.509). Without it, checkpoints are checked "
                    + "against the key they carry, and that key is printed for you to compare.")
    String publicKey;

    @Override
    public Integer call() {
        Instant start = Instant.now();
        LedgerVerifier verifier = new LedgerVerifier();
        List<LedgerVerifier.Entry> replayed = new ArrayList<>();
        LedgerVerifier.Divergence[] found = new LedgerVerifier.Divergence[1];
        byte[] trusted;
        try {
            trusted = trustedKey();
            read(Topics.LEDGER.topic(), (LedgerEntry e) -> {
                if (found[0] != null) {
                    return;
                }
                LedgerVerifier.Entry entry = new LedgerVerifier.Entry(e.getSequence(), e.getSealedAt().toEpochMilli(), e.getFactEventId(),
                        bytes(e.getFact()), bytes(e.getPreviousHash()), bytes(e.getEntryHash()));
                verifier.accept(entry).ifPresent(d -> found[0] = d);
                if (api != null) {
                    replayed.add(entry);
                }
                if (verifier.verified() % 50_000 == 0 && verifier.verified() > 0) {
                    System.err.printf("  verified %,d entries (%,.0f/s)...%n", verifier.verified(),
                            verifier.verified() / Math.max(0.001, Duration.between(start, Instant.now()).toMillis() / 1000.0));
                }
            });
        } catch (RuntimeException e) {
            System.err.println("orgos ledger verify: could not read the ledger: " + e.getMessage());
            return 2;
        }
        double seconds = Math.max(0.001, Duration.between(start, Instant.now()).toMillis() / 1000.0);
        if (found[0] != null) {
            System.out.println("TAMPERED: " + found[0]);
            System.out.printf("  (%,d entries before it verified)%n", verifier.verified());
            return 1;
        }
        System.out.printf("Ledger topic: %,d entries replayed in %.1f s (%,.0f entries/s); every hash and link recomputed; Merkle root %s%n",
                verifier.verified(), seconds, verifier.verified() / seconds, Base64.getEncoder().encodeToString(verifier.root()));
        int checked = 0;
        List<String> checkpointProblems = new ArrayList<>();
        List<byte[]> keysSeen = new ArrayList<>();
        try {
            List<LedgerCheckpoint> checkpoints = new ArrayList<>();
            read(Topics.CHECKPOINTS.topic(), (LedgerCheckpoint c) -> checkpoints.add(c));
            for (LedgerCheckpoint c : checkpoints) {
                Checkpoint cp = new Checkpoint(c.getTreeSize(), bytes(c.getRootHash()), c.getTimestampMillis(), bytes(c.getSignature()),
                        bytes(c.getPublicKey()));
                if (keysSeen.stream().noneMatch(k -> Arrays.equals(k, cp.publicKey()))) {
                    keysSeen.add(cp.publicKey());
                }
                if (cp.treeSize() > verifier.verified()) {
                    continue; // signed after this replay's end: nothing to compare with yet
                }
                verifier.check(cp, trusted).ifPresent(checkpointProblems::add);
                checked++;
            }
        } catch (RuntimeException e) {
            System.err.println("orgos ledger verify: could not read the checkpoints: " + e.getMessage());
            return 2;
        }
        if (!checkpointProblems.isEmpty()) {
            System.out.println("TAMPERED: " + checkpointProblems.get(0));
            checkpointProblems.stream().skip(1).forEach(p -> System.out.println("  also: " + p));
            return 1;
        }
        System.out.printf("Checkpoints: %d checked, every signature valid and every signed root matches the replayed entries.%n", checked);
        if (trusted == null && !keysSeen.isEmpty()) {
            System.out.println("  Signed with: " + keysSeen.stream().map(k -> Base64.getEncoder().encodeToString(k)).toList()
                    + " (pass --public-key to require the key you trust)");
        }
        if (api != null) {
            Integer apiResult = crossCheck(replayed);
            if (apiResult != 0) {
                return apiResult;
            }
        }
        System.out.println("INTACT.");
        return 0;
    }

    /** Compares the service's stored copy with the topic, entry by entry. */
    private Integer crossCheck(List<LedgerVerifier.Entry> replayed) {
        String jwt = token != null ? token : System.getenv("ORGOS_TOKEN");
        if (jwt == null || jwt.isBlank()) {
            System.err.println("orgos ledger verify: --api needs an auditor's token: --token or ORGOS_TOKEN");
            return 2;
        }
        Api service = new Api(api.replaceAll("/+$", ""), jwt);
        long after = -1;
        int index = 0;
        try {
            while (true) {
                JsonNode page = service.get("/v1/ledger/entries", Map.of("after", Long.toString(after), "limit", "10000"));
                if (page.isEmpty()) {
                    break;
                }
                for (JsonNode e : page) {
                    long seq = e.get("sequence").asLong();
                    if (index >= replayed.size()) {
                        System.out.println("TAMPERED: the API has entry #" + seq + " that the ledger topic does not have");
                        return 1;
                    }
                    LedgerVerifier.Entry t = replayed.get(index);
                    String problem = seq != t.sequence() ? "the API skips from #" + (t.sequence() - 1) + " to #" + seq + " (entry #" + t.sequence() + " is missing)"
                            : !Arrays.equals(Base64.getDecoder().decode(e.get("factBytes").asText()), t.fact()) ? "its fact was edited"
                            : !Arrays.equals(Base64.getDecoder().decode(e.get("entryHash").asText()), t.entryHash()) ? "its entry hash was edited"
                            : !Arrays.equals(Base64.getDecoder().decode(e.get("previousHash").asText()), t.previousHash()) ? "its previous hash was edited"
                            : Instant.parse(e.get("sealedAt").asText()).toEpochMilli() != t.sealedAtMillis() ? "its time was edited"
                            : columnNotAsInItsFact(e, t.fact());
                    if (problem != null) {
                        System.out.println("TAMPERED: entry #" + t.sequence() + " in the service's store differs from the ledger topic: " + problem);
                        return 1;
                    }
                    index++;
                    after = seq;
                }
            }
        } catch (RuntimeException e) {
            System.err.println("orgos ledger verify: could not read " + api + ": " + e.getMessage());
            return 2;
        }
        System.out.printf("API %s: %,d entries compared with the topic, all identical%s.%n", api, index,
                index < replayed.size() ? " (" + (replayed.size() - index) + " newest not stored there yet)" : "");
        return 0;
    }

    /**
     * The service's queries filter and scope by columns copied out of each fact (whose anchor, which
     * action, agent, pathway). The entry hash covers the fact's bytes, not those copies: one edited
     * in the database (anchor_person, say) hid a decision from its anchor's view while every hash
     * still matched. Each must say what the sealed fact says. Answers what was edited, or null.
     */
    static String columnNotAsInItsFact(JsonNode apiEntry, byte[] fact) {
        JsonNode f;
        try {
            f = FACT_READER.readTree(fact);
        } catch (java.io.IOException unreadable) {
            return null; // not a fact this command can read: the hashes, compared above, are what holds it
        }
        JsonNode anchor = f.path("anchor");
        String[][] columns = {
                {"factEventId", text(f.get("eventId"))}, {"factType", text(f.get("factType"))}, {"actionId", text(f.get("actionId"))},
                {"agentId", text(f.get("agentId"))}, {"anchorRole", text(anchor.get("role"))}, {"anchorPerson", text(anchor.get("person"))},
                {"pathwayId", text(f.get("pathwayId"))}, {"charterVersion", text(f.get("charterVersion"))},
                {"charterDigest", text(f.get("charterDigest"))}, {"traceId", text(f.get("traceId"))}};
        for (String[] column : columns) {
            if (!java.util.Objects.equals(column[1], text(apiEntry.get(column[0])))) {
                return "its " + column[0] + " was edited (the sealed fact says " + column[1] + ", the store "
                        + text(apiEntry.get(column[0])) + ")";
            }
        }
        return null;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper FACT_READER = new com.fasterxml.jackson.databind.ObjectMapper();

    private static String text(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n.asText();
    }

    private byte[] trustedKey() {
        if (publicKey == null) {
            return null;
        }
        try {
            String text = Files.isRegularFile(Path.of(publicKey)) ? Files.readString(Path.of(publicKey)) : publicKey;
            return Base64.getDecoder().decode(text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
        } catch (Exception e) {
            throw new IllegalArgumentException("--public-key is neither a readable PEM file nor base64: " + e.getMessage());
        }
    }

    private <V> void read(String topic, Consumer<V> sink) {
        mesh.<V>readAll(topic, (value, at) -> sink.accept(value));
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
