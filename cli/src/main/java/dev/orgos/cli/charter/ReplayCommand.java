package dev.orgos.cli.charter;

import dev.orgos.cli.MeshAddress;
import dev.orgos.governance.charter.Charter;
import dev.orgos.governance.charter.CharterException;
import dev.orgos.governance.charter.CharterParser;
import dev.orgos.governance.decision.Outcome;
import dev.orgos.governance.decision.ProposedAction;
import dev.orgos.governance.replay.CharterReplay;
import dev.orgos.schema.ActionProposed;
import dev.orgos.schema.RoutingDecision;
import dev.orgos.schema.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    @Option(names = "--since", paramLabel = "WHEN", converter = dev.orgos.cli.Since.class,
            description = {"Replay only the actions recorded since then: a time ago (24h, 7d, 90m, PT12H) or an instant "
                    + "(2026-11-20T00:00:00Z). Default: everything the actions topic still holds. The candidate's budgets "
                    + "start empty at that point."})
    Instant since;

    @Mixin
    MeshAddress mesh;

    record Recorded(Instant at, ActionProposed action) {
    }

    /** What replay needs of a recorded decision; the decision itself (its fired rules, its reason) would only take memory. */
    record Decided(Outcome outcome, String pathwayId, long charterVersion) {
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
        Map<String, Decided> decided = new HashMap<>();
        List<Recorded> actions = new ArrayList<>();
        try {
            readAll(Topics.DECISIONS.topic(), (RoutingDecision d, Instant at) -> decided.put(d.getActionId(),
                    new Decided(Outcome.valueOf(d.getOutcome().name()), d.getPathwayId(), d.getCharterVersion())), "decisions");
            readAll(Topics.ACTIONS.topic(), (ActionProposed a, Instant at) -> {
                if (decided.containsKey(a.getActionId())) {
                    actions.add(new Recorded(at, a)); // one not decided (yet) has nothing to compare with
                }
            }, "actions");
        } catch (RuntimeException e) {
            System.err.println("orgos charter replay: cannot read the mesh: " + e.getMessage());
            return 2;
        }
        // a stable sort: actions recorded in the same millisecond keep their partition's order
        actions.sort((a, b) -> a.at().compareTo(b.at()));
        CharterReplay replay = new CharterReplay(charter, examples);
        for (Recorded r : actions) {
            ActionProposed a = r.action();
            Decided before = decided.get(a.getActionId());
            ProposedAction core = new ProposedAction(a.getActionId(), a.getAgentId(), a.getActionType(), a.getAmount(),
                    a.getConfidence(), a.getRiskScore(), a.getReversible(), a.getTargetSystem(), new HashMap<>(a.getParameters()));
            replay.replay(r.at(), core, before.outcome(), before.pathwayId());
        }
        int replayed = replay.replayed();
        Map<String, CharterReplay.PathwayChanges> rows = replay.byPathway();
        long inForce = decided.values().stream().mapToLong(Decided::charterVersion).max().orElse(0);
        System.out.printf("Replayed %d recorded decisions%s against candidate '%s' version %d (%s); the latest recorded decisions "
                + "were made under version %d.%n", replayed, since == null ? "" : " since " + since, charter.id(), charter.version(),
                charter.digest(), inForce);
        if (replay.resubmissions() > 0) {
            System.out.printf("%d resubmitted action(s) were counted once, as the router decided them once.%n", replay.resubmissions());
        }
        if (since != null) {
            System.out.println("The candidate's budgets start empty at " + since + ": what agents spent before then is not counted.");
        }
        System.out.println();
        System.out.printf("  %-20s %8s %10s %9s %7s%n", "pathway", "actions", "unchanged", "stricter", "looser");
        rows.forEach((pathway, row) -> System.out.printf("  %-20s %8d %10d %9d %7d%n", pathway, row.total(), row.unchanged(), row.stricter(),
                row.looser()));
        rows.forEach((pathway, row) -> row.examples().forEach((direction, lines) -> {
            System.out.printf("%n  %s, %s:%n", pathway, direction);
            lines.forEach(l -> System.out.println("    " + l));
        }));
        System.out.println();
        writeReport(charter, replayed, inForce, rows);
        System.out.println("Nothing was published. To put the candidate in force: ./orgos charter publish " + candidate);
        return 0;
    }

    /** The same report as JSON, for the console's charter page and for review tools. */
    private void writeReport(Charter charter, int replayed, long inForce, Map<String, CharterReplay.PathwayChanges> rows) {
        Path home = dev.orgos.cli.Orgos.home();
        Path file = report != null ? report : java.nio.file.Files.isRegularFile(home.resolve(".orgos/up/endpoints.properties"))
                ? home.resolve(".orgos/up/replay-report.json") : home.resolve(".orgos/replay-report.json");
        var json = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        json.put("candidateFile", candidate.toString()).put("charterId", charter.id()).put("version", charter.version())
                .put("digest", charter.digest()).put("replayedAt", Instant.now().toString()).put("replayed", replayed)
                .put("inForceVersion", inForce);
        if (since != null) {
            json.put("since", since.toString());
        }
        var pathways = json.putArray("pathways");
        rows.forEach((pathway, row) -> {
            var p = pathways.addObject().put("pathway", pathway).put("total", row.total()).put("unchanged", row.unchanged())
                    .put("stricter", row.stricter()).put("looser", row.looser());
            var ex = p.putArray("examples");
            row.examples().forEach((direction, lines) -> lines.forEach(l -> ex.addObject().put("direction", direction).put("example", l)));
        });
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, json.toPrettyString());
            System.out.println("Report written to " + file);
        } catch (IOException e) {
            System.err.println("orgos charter replay: could not write the report to " + file + ": " + e.getMessage());
        }
    }

    /** Reads a topic (from {@link #since}), saying how far it got on long reads. */
    private <V> void readAll(String topic, BiConsumer<V, Instant> sink, String what) {
        long[] read = {0};
        mesh.<V>readSince(topic, since, (value, at) -> {
            sink.accept(value, at);
            if (++read[0] % 10_000 == 0) {
                System.err.printf("  read %d %s...%n", read[0], what);
            }
        });
    }
}
