package dev.orgos.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orgos.cli.Orgos;
import dev.orgos.cli.demo.Scenario;
import dev.orgos.cli.http.Api;
import dev.orgos.cli.mesh.Mesh;
import dev.orgos.cli.mesh.Service;
import dev.orgos.governance.ledger.LedgerChain;
import dev.orgos.infra.DevTokens;
import dev.orgos.schema.AccountabilityFact;
import dev.orgos.schema.AnchorRef;
import dev.orgos.schema.FactType;
import dev.orgos.schema.LedgerEntry;
import dev.orgos.schema.Topics;
import dev.orgos.testing.TopicProbe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

/**
 * The auditor's view: the ledger replayed from its topic with the orgos command, proofs checked
 * with it, a record no service could read listed with why (the operator's view of the dead
 * letters), a row edited in PostgreSQL named, the ledger service killed mid-stream without a
 * fact lost or doubled, and a forged entry on the topic named. In this order: the last test
 * forges the topic on purpose.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LedgerAuditIT {

    /** Where this test's mesh keeps its data and logs. */
    static final Path WORK = Path.of("target/e2e-ledger");

    @org.junit.jupiter.api.extension.RegisterExtension
    static final MeshLogsOnFailure LOGS = new MeshLogsOnFailure(WORK);

    static final Duration WAIT = Duration.ofSeconds(120);
    static Mesh mesh;
    static Api auditor;
    static String auditorToken;

    record Run(int exit, String out) {
    }

    @BeforeAll
    static void start() {
        Path home = Path.of(System.getProperty("orgos.home", "..")).toAbsolutePath().normalize();
        mesh = Mesh.start(home, WORK, false, Map.of(), line -> System.out.println("[ledger] " + line));
        auditorToken = DevTokens.human("ivan", List.of("auditor"), Duration.ofMinutes(30));
        auditor = new Api(mesh.url(Service.ACCOUNTABILITY_LEDGER), auditorToken);
        new Scenario(mesh, System.out).run();
    }

    @AfterAll
    static void stop() {
        if (mesh != null) {
            mesh.close();
        }
    }

    static Run orgos(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int exit = new CommandLine(new Orgos()).execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(previous);
            System.out.println(out.toString(StandardCharsets.UTF_8));
        }
    }

    static String[] mesh(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap", mesh.endpoints().kafkaBootstrap(), "--registry", mesh.endpoints().registryUrl()));
        return all.toArray(String[]::new);
    }

    static long stored() {
        long[] n = new long[1];
        JsonNode page = auditor.get("/v1/ledger/entries", Map.of("limit", "10000"));
        n[0] = page.size();
        return n[0];
    }

    @Test
    @Order(1)
    void theIntactLedgerVerifiesFromItsTopicAndAgreesWithTheApi() {
        JsonNode checkpoint = auditor.post("/v1/ledger/checkpoints", Map.of());
        assertTrue(checkpoint.get("treeSize").asLong() >= 10, checkpoint.toString());
        JsonNode key = new Api(mesh.url(Service.ACCOUNTABILITY_LEDGER), "").get("/.well-known/orgos-ledger-key", Map.of());
        Run run = orgos(mesh("ledger", "verify", "--api", mesh.url(Service.ACCOUNTABILITY_LEDGER), "--token", auditorToken,
                "--public-key", key.get("publicKey").asText()));
        assertEquals(0, run.exit(), run.out());
        assertTrue(run.out().contains("INTACT"), run.out());
        assertTrue(run.out().contains("every signature valid"), run.out());
    }

    @Test
    @Order(2)
    void proofsFromTheApiVerifyWithTheStandaloneCommandsAgainstTheSignedRoot() {
        JsonNode c1 = auditor.post("/v1/ledger/checkpoints", Map.of());
        long size = c1.get("treeSize").asLong();
        JsonNode inclusion = auditor.get("/v1/ledger/proofs/inclusion", Map.of("sequence", "3", "treeSize", Long.toString(size)));
        assertEquals(c1.get("rootHash").asText(), inclusion.get("rootHash").asText(), "the proof leads to the signed root");
        List<String> path = new ArrayList<>();
        inclusion.get("proof").forEach(p -> path.add(p.asText()));
        Run ok = orgos("ledger", "verify-inclusion", "--leaf-index", "3", "--tree-size", Long.toString(size),
                "--root", c1.get("rootHash").asText(), "--leaf-hash", inclusion.get("leafHash").asText(), "--proof", String.join(",", path));
        assertEquals(0, ok.exit(), ok.out());
        Run wrongLeaf = orgos("ledger", "verify-inclusion", "--leaf-index", "4", "--tree-size", Long.toString(size),
                "--root", c1.get("rootHash").asText(), "--leaf-hash", inclusion.get("leafHash").asText(), "--proof", String.join(",", path));
        assertEquals(1, wrongLeaf.exit(), wrongLeaf.out());

        new Scenario(mesh, System.out).run(); // the ledger grows
        JsonNode c2 = Awaitility.await().atMost(WAIT).until(() -> auditor.post("/v1/ledger/checkpoints", Map.of()),
                c -> c.get("treeSize").asLong() > size);
        JsonNode consistency = auditor.get("/v1/ledger/proofs/consistency",
                Map.of("first", Long.toString(size), "second", c2.get("treeSize").asText()));
        List<String> proof = new ArrayList<>();
        consistency.get("proof").forEach(p -> proof.add(p.asText()));
        Run consistent = orgos("ledger", "verify-consistency", "--size1", Long.toString(size), "--size2", c2.get("treeSize").asText(),
                "--root1", c1.get("rootHash").asText(), "--root2", c2.get("rootHash").asText(), "--proof", String.join(",", proof));
        assertEquals(0, consistent.exit(), consistent.out());
        Run swapped = orgos("ledger", "verify-consistency", "--size1", Long.toString(size), "--size2", c2.get("treeSize").asText(),
                "--root1", c2.get("rootHash").asText(), "--root2", c1.get("rootHash").asText(), "--proof", String.join(",", proof));
        assertEquals(1, swapped.exit(), swapped.out());
    }

    @Test
    @Order(3)
    void aRecordNoServiceCanReadIsDeadLetteredTheOperatorReadsWhyAndCanSendItAgain() {
        // a worker that writes to Kafka itself, and writes something that is not an action
        String key = "not-an-action-" + UUID.randomUUID();
        try (TopicProbe kafka = new TopicProbe(mesh.endpoints())) {
            kafka.sendRaw(Topics.ACTIONS.topic(), key, "{\"amount\": 1}".getBytes(StandardCharsets.UTF_8));
        }
        Run run = Awaitility.await().atMost(WAIT).pollInterval(Duration.ofSeconds(2))
                .until(() -> orgos(mesh("dead-letters", "--since", "1h", "--source", "coordination-router")), r -> r.out().contains(key));
        assertEquals(0, run.exit(), run.out());
        // this record's letter: its line, and the reason on the line after it
        List<String> lines = run.out().lines().toList();
        int at = java.util.stream.IntStream.range(0, lines.size()).filter(i -> lines.get(i).contains("key " + key)).findFirst().orElse(-1);
        assertTrue(at >= 0 && at + 1 < lines.size(), run.out());
        assertTrue(lines.get(at).contains("  coordination-router  " + Topics.ACTIONS.topic() + "-"), lines.get(at));
        assertTrue(lines.get(at).endsWith("(13 bytes of the record kept)"), lines.get(at));
        assertTrue(lines.get(at + 1).contains("the record could not be read as an ActionProposed"), lines.get(at + 1));
        assertTrue(run.out().contains("dead letter(s): coordination-router "), run.out());
        // another service's letters only: not this one
        Run others = orgos(mesh("dead-letters", "--since", "1h", "--source", "escalation-service"));
        assertEquals(0, others.exit(), others.out());
        assertFalse(others.out().contains(key), others.out());

        // the operator sends it again (as after mending a cause): the record as it was, back to the router,
        // which refuses it again for what it is, in a letter of its own
        java.util.regex.Matcher where = java.util.regex.Pattern.compile("(" + java.util.regex.Pattern.quote(Topics.ACTIONS.topic())
                + "-\\d+@\\d+)").matcher(lines.get(at));
        assertTrue(where.find(), lines.get(at));
        String position = where.group(1);
        Run dry = orgos(mesh("dead-letters", "resend", "--since", "1h", "--at", position, "--dry-run"));
        assertEquals(0, dry.exit(), dry.out());
        assertTrue(dry.out().contains(position + ": would be sent again (13 bytes)"), dry.out());
        Run resent = orgos(mesh("dead-letters", "resend", "--since", "1h", "--at", position));
        assertEquals(0, resent.exit(), resent.out());
        java.util.regex.Matcher copy = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(position) + ": sent again as ("
                + java.util.regex.Pattern.quote(Topics.ACTIONS.topic()) + "-\\d+@\\d+)").matcher(resent.out());
        assertTrue(copy.find(), resent.out());
        String copyPosition = copy.group(1);
        assertTrue(position.substring(0, position.indexOf('@')).equals(copyPosition.substring(0, copyPosition.indexOf('@'))),
                "to the same partition: " + resent.out());
        Run again = Awaitility.await().atMost(WAIT).pollInterval(Duration.ofSeconds(2))
                .until(() -> orgos(mesh("dead-letters", "--since", "1h", "--source", "coordination-router")), r -> r.out().contains(copyPosition));
        List<String> againLines = again.out().lines().toList();
        int copyAt = java.util.stream.IntStream.range(0, againLines.size()).filter(i -> againLines.get(i).contains(copyPosition))
                .findFirst().orElseThrow();
        assertTrue(againLines.get(copyAt).contains("key " + key), againLines.get(copyAt));
        assertTrue(againLines.get(copyAt + 1).contains("the record could not be read as an ActionProposed"), againLines.get(copyAt + 1));
        // the record and its copy both have letters now: a run that picks both sends the record once
        Run both = orgos(mesh("dead-letters", "resend", "--since", "1h", "--at", position, "--at", copyPosition, "--dry-run"));
        assertEquals(0, both.exit(), both.out());
        assertTrue(both.out().contains(copyPosition + ": a copy of " + position + ", which this run sends already; not sent twice"),
                both.out());
        assertTrue(both.out().contains("1 record(s) would be sent again, 0 not."), both.out());
        // a record with no letter is not sent: the command says so and exits 1
        Run none = orgos(mesh("dead-letters", "resend", "--since", "1h", "--at", Topics.ACTIONS.topic() + "-0@999999999"));
        assertEquals(1, none.exit(), none.out());
        assertTrue(none.out().contains("no dead letter for this record"), none.out());
    }

    @Test
    @Order(4)
    void aRowEditedInPostgresqlIsNamedByVerify() throws Exception {
        var db = mesh.endpoints();
        long first;
        try (var c = DriverManager.getConnection(db.jdbcUrl("orgos_ledger"), db.pgUser(), db.pgPassword());
             var s = c.createStatement()) {
            var found = s.executeQuery("SELECT min(sequence) FROM ledger_entry WHERE anchor_person = 'alice'");
            found.next();
            first = found.getLong(1);
            // a column copied out of the fact, which the queries scope by: the fact and every hash untouched
            s.execute("ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_append_only");
            s.executeUpdate("UPDATE ledger_entry SET anchor_person = 'mallory' WHERE sequence = " + first);
            s.execute("ALTER TABLE ledger_entry ENABLE TRIGGER ledger_entry_append_only");
        }
        Run column = orgos(mesh("ledger", "verify", "--api", mesh.url(Service.ACCOUNTABILITY_LEDGER), "--token", auditorToken));
        assertEquals(1, column.exit(), column.out());
        assertTrue(column.out().contains("differs from the ledger topic: its anchorPerson was edited"), column.out());
        try (var c = DriverManager.getConnection(db.jdbcUrl("orgos_ledger"), db.pgUser(), db.pgPassword());
             var s = c.createStatement()) {
            s.execute("ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_append_only");
            s.executeUpdate("UPDATE ledger_entry SET anchor_person = 'alice' WHERE sequence = " + first);
            // an insider with the database owner's rights switches the guard off and rewrites history
            s.executeUpdate("UPDATE ledger_entry SET fact = convert_to(replace(convert_from(fact, 'UTF8'), 'alice', 'mallory'), 'UTF8') "
                    + "WHERE sequence = " + first);
            s.execute("ALTER TABLE ledger_entry ENABLE TRIGGER ledger_entry_append_only");
        }
        Run run = orgos(mesh("ledger", "verify", "--api", mesh.url(Service.ACCOUNTABILITY_LEDGER), "--token", auditorToken));
        assertEquals(1, run.exit(), run.out());
        assertTrue(run.out().contains("in the service's store differs from the ledger topic: its fact was edited"), run.out());
    }

    @Test
    @Order(5)
    void theLedgerServiceKilledMidStreamSealsEveryFactExactlyOnce() throws Exception {
        try (TopicProbe kafka = new TopicProbe(mesh.endpoints())) {
            String run = "seal-" + UUID.randomUUID().toString().substring(0, 8);
            List<Map.Entry<String, AccountabilityFact>> facts = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                facts.add(Map.entry(run + "-" + i, AccountabilityFact.newBuilder().setEventId(UUID.randomUUID().toString())
                        .setActionId(run + "-" + i).setAgentId("seal-bot").setOccurredAt(Instant.now()).setFactType(FactType.OUTCOME_REPORTED)
                        .setSource("test").setAnchor(AnchorRef.newBuilder().setRole("finance-ops").build())
                        .setSummary("outcome " + i).build()));
            }
            kafka.sendAll(Topics.FACTS.topic(), facts.subList(0, 1000));
            kafka.<LedgerEntry>await(Topics.LEDGER.topic(), r -> mine(r.value(), run), l -> l.size() >= 100, WAIT);
            mesh.kill(Service.ACCOUNTABILITY_LEDGER);
            kafka.sendAll(Topics.FACTS.topic(), facts.subList(1000, 2000));
            mesh.restart(Service.ACCOUNTABILITY_LEDGER);
            kafka.<LedgerEntry>await(Topics.LEDGER.topic(), r -> mine(r.value(), run),
                    l -> l.stream().map(r -> r.value().getActionId()).distinct().count() == 2000, WAIT);
            var sealed = kafka.<LedgerEntry>readAll(Topics.LEDGER.topic(), r -> mine(r.value(), run));
            assertEquals(2000, sealed.size(), "a duplicate would make this larger");
            Run verify = orgos(mesh("ledger", "verify"));
            assertEquals(0, verify.exit(), verify.out());
        }
    }

    @Test
    @Order(6)
    void aForgedEntryAppendedToTheTopicIsNamed() {
        try (TopicProbe kafka = new TopicProbe(mesh.endpoints())) {
            var all = kafka.<LedgerEntry>readAll(Topics.LEDGER.topic(), r -> true);
            LedgerEntry last = all.get(all.size() - 1).value();
            byte[] fact = "{\"forged\":true}".getBytes(StandardCharsets.UTF_8);
            long seq = last.getSequence() + 2; // skips one: a gap
            byte[] prev = bytes(last.getEntryHash());
            LedgerEntry forged = LedgerEntry.newBuilder(last).setSequence(seq).setFactEventId(UUID.randomUUID().toString())
                    .setFact(ByteBuffer.wrap(fact)).setPreviousHash(ByteBuffer.wrap(prev))
                    .setEntryHash(ByteBuffer.wrap(LedgerChain.hash(seq, last.getSealedAt().toEpochMilli(), prev, fact))).build();
            kafka.send(Topics.LEDGER.topic(), Long.toString(seq), forged);
            Run run = orgos(mesh("ledger", "verify"));
            assertEquals(1, run.exit(), run.out());
            assertTrue(run.out().contains("entry #" + seq) && run.out().contains("missing"), run.out());
            assertTrue(run.out().contains("expected sequence " + (last.getSequence() + 1)), run.out());
        }
    }

    private static boolean mine(LedgerEntry e, String run) {
        return e.getActionId() != null && e.getActionId().startsWith(run);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
