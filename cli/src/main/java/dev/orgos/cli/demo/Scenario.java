package dev.orgos.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orgos.cli.http.Api;
import dev.orgos.cli.mesh.Mesh;
import dev.orgos.cli.mesh.Service;
import dev.orgos.client.Action;
import dev.orgos.client.ActionState;
import dev.orgos.client.WorkerClient;
import dev.orgos.governance.ledger.LedgerChain;
import dev.orgos.infra.DevTokens;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The demo: two AI workers propose actions; the charter lets some through, forbids one and
 * escalates others; two humans decide; the workers learn their verdicts; an auditor reads the
 * ledger and checks its hash chain. Printed in plain words.
 */
public final class Scenario {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss z", Locale.ROOT).withZone(ZoneId.systemDefault());

    private final Mesh mesh;
    private final PrintStream out;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    public Scenario(Mesh mesh, PrintStream out) {
        this.mesh = mesh;
        this.out = out;
    }

    /** Runs the story; returns the number of ledger entries checked. Throws if anything is not as it should be. */
    public int run() {
        URI gateway = URI.create(mesh.url(Service.EXECUTION_GATEWAY));
        WorkerClient refundBot = new WorkerClient(gateway, () -> DevTokens.agent("refund-bot", Duration.ofMinutes(30)));
        WorkerClient pricingBot = new WorkerClient(gateway, () -> DevTokens.agent("pricing-bot", Duration.ofMinutes(30)));
        Api alice = new Api(mesh.url(Service.ESCALATION_SERVICE), DevTokens.human("alice", List.of("finance-ops"), Duration.ofMinutes(30)));
        Api dave = new Api(mesh.url(Service.ESCALATION_SERVICE), DevTokens.human("dave", List.of("pricing"), Duration.ofMinutes(30)));
        Api auditor = new Api(mesh.url(Service.ACCOUNTABILITY_LEDGER), DevTokens.human("ivan", List.of("auditor"), Duration.ofMinutes(30)));

        out.println();
        out.println("The AI workers propose actions (charter 'acme-retail', charters/example.yaml):");
        String small = propose(refundBot, "refund-bot", Action.of("refund-small-" + run, "refund.issue")
                .describedAs("Refund order o-1001, parcel lost").amount(120, "EUR").confidence(0.96));
        String large = propose(refundBot, "refund-bot", Action.of("refund-large-" + run, "refund.issue")
                .describedAs("Refund order o-1002, damaged sofa").amount(2400, "EUR").confidence(0.93));
        String bulk = propose(refundBot, "refund-bot", Action.of("refund-bulk-" + run, "refund.bulk")
                .describedAs("Refund every order of last week").amount(15000, "EUR").confidence(0.99));
        String price = propose(pricingBot, "pricing-bot", Action.of("price-" + run, "price.change")
                .describedAs("Raise the price of SKU 4711 by 25%").amount(25, null).confidence(0.91));

        out.println();
        out.println("The humans on call decide:");
        decide(alice, "alice", "finance-ops", large, true, "Long-standing customer, photos of the damage checked");
        decide(dave, "dave", "pricing", price, false, "25% in one step breaks our price promise; propose at most 10%");

        out.println();
        out.println("The workers read their final verdicts:");
        for (var pair : List.of(Map.entry(refundBot, large), Map.entry(pricingBot, price))) {
            ActionState s = pair.getKey().awaitFinal(pair.getValue(), WAIT);
            out.printf("  %-22s %s%s: %s%n", s.actionId(), s.status(),
                    s.decidedBy() == null ? "" : " by " + String.join(" and ", s.decidedBy()),
                    s.mayProceed() ? "the worker may proceed" : "the worker must not proceed");
            expect(s.status().equals(s.actionId().startsWith("refund") ? "APPROVED" : "REJECTED"), "unexpected verdict " + s);
        }
        refundBot.reportOutcome(small, true, "Refunded 120.00 EUR to the customer's card");
        refundBot.reportOutcome(large, true, "Refunded 2400.00 EUR to the customer's card");
        out.println("  refund-bot reports both refunds executed; pricing-bot leaves the price alone.");

        out.println();
        out.println("The auditor reads the accountability ledger:");
        Map<String, Integer> expected = Map.of(small, 2, bulk, 1, large, 5, price, 4);
        List<JsonNode> entries = new ArrayList<>();
        for (String id : List.of(small, large, bulk, price)) {
            JsonNode found = Poll.until("the ledger entries of " + id, WAIT, () -> {
                JsonNode e = auditor.get("/v1/ledger/entries", Map.of("actionId", id));
                return e.size() >= expected.get(id) ? e : null;
            });
            found.forEach(entries::add);
        }
        // the charter's activation, which concerns no single action, is on the record too
        for (JsonNode e : auditor.get("/v1/ledger/entries", Map.of("limit", "1000"))) {
            if ("CHARTER_ACTIVATED".equals(e.get("factType").asText())) {
                entries.add(e);
            }
        }
        entries.sort((a, b) -> Long.compare(a.get("sequence").asLong(), b.get("sequence").asLong()));
        for (JsonNode e : entries) {
            String person = e.path("anchorPerson").isMissingNode() || e.path("anchorPerson").isNull() ? "" : " / " + e.get("anchorPerson").asText();
            out.printf("  #%-3d %-20s %-28s %s%n", e.get("sequence").asLong(), e.get("factType").asText(),
                    e.get("anchorRole").asText() + person, e.get("fact").get("summary").asText());
        }
        int checked = verifyChain(auditor);
        out.printf("  Chain check: recomputed all %d entries from the first; every hash matches and links to the one before.%n", checked);
        return checked;
    }

    private String propose(WorkerClient worker, String agent, Action action) {
        String id = worker.submit(action);
        ActionState s = Poll.until("a decision on " + id, WAIT, () -> {
            ActionState now = worker.get(id);
            boolean settled = now.isFinal() || ("ESCALATED".equals(now.status()) && now.deadline() != null);
            return settled ? now : null;
        });
        String amount = action.amount() == null ? "" : String.format(Locale.ROOT, " %.2f%s", action.amount(),
                action.currency() == null ? "" : " " + action.currency());
        out.printf("  %s proposes %s%s (\"%s\")%n", agent, action.actionType(), amount, action.description());
        switch (s.status()) {
            case "AUTONOMOUS" -> out.printf("    -> AUTONOMOUS: may proceed now; accountable anchor: %s%n", s.anchor());
            case "ESCALATED" -> out.printf("    -> ESCALATED: %s. Deadline %s%n", s.reason(), TIME.format(s.deadline()));
            default -> out.printf("    -> %s: %s%n", s.status(), s.reason());
        }
        return id;
    }

    private void decide(Api human, String name, String role, String actionId, boolean approve, String reason) {
        JsonNode task = Poll.until("the escalation of " + actionId + " in " + name + "'s queue", WAIT, () -> {
            for (JsonNode t : human.get("/v1/escalations", Map.of())) {
                if (t.get("actionId").asText().equals(actionId)) {
                    return t;
                }
            }
            return null;
        });
        String id = task.get("id").asText();
        JsonNode result = human.post("/v1/escalations/" + id + (approve ? "/approve" : "/reject"), Map.of("reason", reason));
        out.printf("  %s (%s) %s %s %s: \"%s\" -> %s%n", name, role, approve ? "approves" : "rejects",
                task.get("actionType").asText(), actionId, reason, result.get("status").asText());
    }

    /** Recomputes the whole chain from the exact fact bytes the API returns. */
    private static int verifyChain(Api auditor) {
        byte[] previous = LedgerChain.GENESIS;
        long after = -1;
        int checked = 0;
        while (true) {
            JsonNode page = auditor.get("/v1/ledger/entries", Map.of("after", Long.toString(after), "limit", "1000"));
            if (page.isEmpty()) {
                return checked;
            }
            for (JsonNode e : page) {
                long seq = e.get("sequence").asLong();
                expect(seq == checked, "gap in the ledger before sequence " + seq);
                byte[] fact = Base64.getDecoder().decode(e.get("factBytes").asText());
                byte[] hash = LedgerChain.hash(seq, java.time.Instant.parse(e.get("sealedAt").asText()).toEpochMilli(), previous, fact);
                expect(Arrays.equals(previous, Base64.getDecoder().decode(e.get("previousHash").asText())), "broken link at " + seq);
                expect(Arrays.equals(hash, Base64.getDecoder().decode(e.get("entryHash").asText())), "entry " + seq + " was altered");
                previous = hash;
                after = seq;
                checked++;
            }
        }
    }

    private static void expect(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }
}
