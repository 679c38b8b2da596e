package dev.orgos.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orgos.cli.http.Api;
import dev.orgos.cli.mesh.Mesh;
import dev.orgos.cli.mesh.Service;
import dev.orgos.infra.DevTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console in headless Chromium (Playwright, browser/console.mjs) against the whole mesh:
 * sign in as an anchor, decide a fresh escalation, find the decision in the ledger with its
 * proof verified in the page. Screenshots of every page: target/browser-screenshots/console.
 */
class ConsoleIT {

    /** Where this test's mesh keeps its data and logs. */
    static final Path WORK = Path.of("target/e2e-console");

    @org.junit.jupiter.api.extension.RegisterExtension
    static final MeshLogsOnFailure LOGS = new MeshLogsOnFailure(WORK);

    static Mesh mesh;

    @BeforeAll
    static void start() {
        Path home = Path.of(System.getProperty("orgos.home", "..")).toAbsolutePath().normalize();
        mesh = Mesh.start(home, WORK, false, Map.of(), line -> System.out.println("[console] " + line));
    }

    @AfterAll
    static void stop() {
        if (mesh != null) {
            mesh.close();
        }
    }

    @Test
    void anAnchorDecidesAFreshEscalationInTheBrowserAndTheLedgerNamesThem() throws Exception {
        Path screenshots = Path.of("target/browser-screenshots/console");
        // a second charter version in force (refunds up to 400 only), and a replayed candidate (up to 300),
        // so the charter page has a difference and a replay report to show
        Path home = Path.of(System.getProperty("orgos.home", "..")).toAbsolutePath().normalize();
        String example = Files.readString(home.resolve("charters/example.yaml"));
        Path v2 = Files.writeString(WORK.resolve("charter-v2.yaml"),
                example.replace("version: 1\n", "version: 2\n").replace("maxAmount: 500", "maxAmount: 400"));
        Path v3 = Files.writeString(WORK.resolve("charter-v3.yaml"),
                example.replace("version: 1\n", "version: 3\n").replace("maxAmount: 500", "maxAmount: 300"));
        mesh.publishCharter(v2, "console-test", line -> System.out.println("[console] " + line));
        // recorded decisions for the candidate to be replayed against: refunds of 350, within v2's limit, over v3's
        var kafka = new dev.orgos.testing.TopicProbe(mesh.endpoints());
        String run = "replayed-" + java.util.UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            kafka.send(dev.orgos.schema.Topics.ACTIONS.topic(), "replay-bot", dev.orgos.schema.ActionProposed.newBuilder()
                    .setEventId(java.util.UUID.randomUUID().toString()).setActionId(run + "-" + i).setAgentId("replay-bot")
                    .setOccurredAt(java.time.Instant.now()).setActionType("refund.issue").setAmount(350.0).setConfidence(0.95).build());
        }
        kafka.<dev.orgos.schema.RoutingDecision>await(dev.orgos.schema.Topics.DECISIONS.topic(),
                r -> r.value().getActionId().startsWith(run), l -> l.size() >= 3, Duration.ofSeconds(60));
        int replay = new picocli.CommandLine(new dev.orgos.cli.Orgos()).execute("charter", "replay", "--candidate", v3.toString(),
                "--since", "1h", "--bootstrap", mesh.endpoints().kafkaBootstrap(), "--registry", mesh.endpoints().registryUrl(),
                "--report", mesh.replayReport().toString());
        assertEquals(0, replay, "charter replay");
        BrowserScript.run("console.mjs", Map.of(
                "CONSOLE_URL", mesh.url(Service.CONSOLE),
                "GATEWAY_URL", mesh.url(Service.EXECUTION_GATEWAY),
                "AGENT_TOKEN", DevTokens.agent("refund-bot", Duration.ofMinutes(30))), screenshots);

        // and, independently of the browser: the ledger names the person who decided
        String actionId = Files.readString(screenshots.resolve("action-id.txt")).trim();
        Api auditor = new Api(mesh.url(Service.ACCOUNTABILITY_LEDGER), DevTokens.human("ivan", List.of("auditor"), Duration.ofMinutes(5)));
        JsonNode resolved = null;
        for (JsonNode e : auditor.get("/v1/ledger/entries", Map.of("actionId", actionId))) {
            if (e.get("factType").asText().equals("ESCALATION_RESOLVED")) {
                resolved = e;
            }
        }
        assertTrue(resolved != null, "no resolution sealed for " + actionId);
        assertEquals("alice", resolved.get("anchorPerson").asText());
        for (String page : List.of("01-sign-in", "02-queue", "03-task", "04-task-approved", "05-queue-no-role", "06-ledger",
                "07-ledger-entry-verified", "08-anchors", "09-charter", "10-queue-200-percent")) {
            assertTrue(Files.size(screenshots.resolve(page + ".png")) > 0, page + " has no screenshot");
        }
    }
}
