package dev.orgos.cli.charter;

import dev.orgos.cli.MeshAddress;
import dev.orgos.governance.charter.Budget;
import dev.orgos.governance.charter.Charter;
import dev.orgos.governance.charter.CharterException;
import dev.orgos.governance.charter.CharterParser;
import dev.orgos.governance.decision.CharterEvaluator;
import dev.orgos.governance.decision.Decision;
import dev.orgos.governance.decision.Outcome;
import dev.orgos.governance.decision.ProposedAction;
import dev.orgos.governance.decision.RollingWindow;
import dev.orgos.schema.ActionProposed;
import dev.orgos.schema.RoutingDecision;
import dev.orgos.schema.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Calibrate a candidate charter before it goes live: replay every recorded action against it and report, "
                + "per pathway, how many decisions would change and in which direction, with examples. Nothing is published.",
                "Exit codes: 0 report written, 1 the candidate is invalid, 2 usage error or the mesh could not be read."})
public final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--candidate", required = true, paramLabel = "FILE", description = "The candidate charter YAML file.")
    Path candidate;

    @Option(names = "--examples", defaultValue = "3", description = "Examples per pathway and direction (default ${DEFAULT-VALUE}).")
    int examples;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Also write the report as JSON here (default: where the console of a running ./orgos up looks, "
                    + ".orgos/up/replay-report.json, else .orgos/replay-report.json).")
    Path report;

    @Mixin
    MeshAddress mesh;

    private static final List<Outcome> STRICTNESS = List.of(Outcome.AUTONOMOUS, Outcome.ESCALATE, Outcome.REJECT);

    record Recorded(Instant at, ActionProposed action) {
    }

    @Override
    public Integer call() {
        Charter charter;
        try {
            charter = CharterParser.parse(candidate.toString(), Files.readString(candidate));
        } catch (IOException e) {
            System.err.println("orgos charter replay: cannot read " + candidate + ": " + e.getMessage());
            return 2;
        } catch (CharterException e) {
            System.out.println(candidate + ": invalid candidate:");
            e.problems().forEach(p -> System.out.println("  " + p));
            return 1;
        }
        Map<String, RoutingDecision> decided = new HashMap<>();
        List<Recorded> actions = new ArrayList<>();
        try {
            readAll(Topics.DECISIONS.topic(), (RoutingDecision d, Instant at) -> decided.put(d.getActionId(), d), "decisions");
            readAll(Topics.ACTIONS.topic(), (ActionProposed a, Instant at) -> actions.add(new Recorded(at, a)), "actions");
        } catch (RuntimeException e) {
            System.err.println("orgos charter replay: cannot read the mesh: " + e.getMessage());
            return 2;
        }
        actions.sort((a, b) -> a.at().compareTo(b.at()));
        CharterEvaluator evaluator = new CharterEvaluator(charter);
        Map<String, RollingWindow> budgets = new HashMap<>();
        Map<String, Row> rows = new TreeMap<>();
        int replayed = 0;
        for (Recorded r : actions) {
            ActionProposed a = r.action();
            RoutingDecision before = decided.get(a.getActionId());
            if (before == null) {
                continue; // not decided (yet): nothing to compare with
            }
            ProposedAction core = new ProposedAction(a.getActionId(), a.getAgentId(), a.getActionType(), a.getAmount(),
                    a.getConfidence(), a.getRiskScore(), a.getReversible(), a.getTargetSystem(), new HashMap<>(a.getParameters()));
            Decision after = evaluator.evaluate(core, r.at(),
                    (agent, pathway, budget, window, now) -> budgets.computeIfAbsent(agent + "|" + pathway + "|" + budget,
                            k -> new RollingWindow()).usage(now, window));
            if (after.outcome() == Outcome.AUTONOMOUS) {
                for (Budget b : charter.pathway(after.pathwayId()).orElseThrow().budgets()) {
                    budgets.computeIfAbsent(a.getAgentId() + "|" + after.pathwayId() + "|" + b.id(), k -> new RollingWindow())
                            .add(r.at(), a.getAmount() == null ? 0 : a.getAmount());
                }
            }
            replayed++;
            String pathway = after.pathwayId() != null ? after.pathwayId()
                    : before.getPathwayId() != null ? before.getPathwayId() : "(no pathway)";
            rows.computeIfAbsent(pathway, k -> new Row()).add(a, Outcome.valueOf(before.getOutcome().name()), after, examples);
        }
        long inForce = decided.values().stream().mapToLong(RoutingDecision::getCharterVersion).max().orElse(0);
        System.out.printf("Replayed %d recorded decisions against candidate '%s' version %d (%s); the latest recorded decisions "
                + "were made under version %d.%n%n", replayed, charter.id(), charter.version(), charter.digest(), inForce);
        System.out.printf("  %-20s %8s %10s %9s %7s%n", "pathway", "actions", "unchanged", "stricter", "looser");
        rows.forEach((pathway, row) -> System.out.printf("  %-20s %8d %10d %9d %7d%n", pathway, row.total, row.unchanged, row.stricter, row.looser));
        rows.forEach((pathway, row) -> row.examples.forEach((direction, lines) -> {
            System.out.printf("%n  %s, %s:%n", pathway, direction);
            lines.forEach(l -> System.out.println("    " + l));
        }));
        System.out.println();
        writeReport(charter, replayed, inForce, rows);
        System.out.println("Nothing was published. To put the candidate in force: ./orgos charter publish " + candidate);
        return 0;
    }

    /** The same report as JSON, for the console's charter page and for review tools. */
    private void writeReport(Charter charter, int replayed, long inForce, Map<String, Row> rows) {
        Path home = dev.orgos.cli.Orgos.home();
        Path file = report != null ? report : java.nio.file.Files.isRegularFile(home.resolve(".orgos/up/endpoints.properties"))
                ? home.resolve(".orgos/up/replay-report.json") : home.resolve(".orgos/replay-report.json");
        var json = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        json.put("candidateFile", candidate.toString()).put("charterId", charter.id()).put("version", charter.version())
                .put("digest", charter.digest()).put("replayedAt", Instant.now().toString()).put("replayed", replayed)
                .put("inForceVersion", inForce);
        var pathways = json.putArray("pathways");
        rows.forEach((pathway, row) -> {
            var p = pathways.addObject().put("pathway", pathway).put("total", row.total).put("unchanged", row.unchanged)
                    .put("stricter", row.stricter).put("looser", row.looser);
            var ex = p.putArray("examples");
            row.examples.forEach((direction, lines) -> lines.forEach(l -> ex.addObject().put("direction", direction).put("example", l)));
        });
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, json.toPrettyString());
            System.out.println("Report written to " + file);
        } catch (IOException e) {
            System.err.println("orgos charter replay: could not write the report to " + file + ": " + e.getMessage());
        }
    }

    static final class Row {
        int total;
        int unchanged;
        int stricter;
        int looser;
        final Map<String, List<String>> examples = new LinkedHashMap<>();

        void add(ActionProposed a, Outcome before, Decision after, int maxExamples) {
            total++;
            int cmp = Integer.compare(STRICTNESS.indexOf(after.outcome()), STRICTNESS.indexOf(before));
            if (cmp == 0) {
                unchanged++;
                return;
            }
            String direction = before + " -> " + after.outcome() + (cmp > 0 ? " (stricter)" : " (looser)");
            if (cmp > 0) {
                stricter++;
            } else {
                looser++;
            }
            List<String> list = examples.computeIfAbsent(direction, k -> new ArrayList<>());
            if (list.size() < maxExamples) {
                list.add(a.getActionId() + " " + a.getActionType() + " by " + a.getAgentId()
                        + (a.getAmount() == null ? "" : " (amount " + a.getAmount() + ")") + ": " + after.reason());
            }
        }
    }

    /** Reads a whole topic, saying how far it got on long reads. */
    private <V> void readAll(String topic, BiConsumer<V, Instant> sink, String what) {
        long[] read = {0};
        mesh.<V>readAll(topic, (value, at) -> {
            sink.accept(value, at);
            if (++read[0] % 10_000 == 0) {
                System.err.printf("  read %d %s...%n", read[0], what);
            }
        });
    }
}
