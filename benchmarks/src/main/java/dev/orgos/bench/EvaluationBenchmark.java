package dev.orgos.bench;

import dev.orgos.governance.charter.CharterParser;
import dev.orgos.governance.decision.BudgetUsage;
import dev.orgos.governance.decision.CharterEvaluator;
import dev.orgos.governance.decision.Decision;
import dev.orgos.governance.decision.ProposedAction;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Charter evaluation for a 100-pathway charter with CEL triggers: the action matches the last
 * pathway (every pattern before it is tried), passes a CEL condition, three limits, two CEL
 * triggers and a budget. Sample time mode, so the report has percentiles.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class EvaluationBenchmark {

    CharterEvaluator evaluator;
    ProposedAction inBounds;
    ProposedAction outOfBounds;
    final BudgetUsage usage = (agent, pathway, budget, window, now) -> new BudgetUsage.Usage(3, 120);
    final Instant now = Instant.parse("2026-11-26T10:00:00Z");

    /** A charter with the given number of pathways, each with a condition, limits, two triggers and a budget. */
    public static String charter(int pathways) {
        StringBuilder y = new StringBuilder("""
            charter: bench
            version: 1
            defaultAnchor: board
            anchors:
              - id: board
                members: [olivia]
              - id: ops
                members: [alice, bob]
                escalatesTo: board
            pathways:
            """);
        for (int i = 0; i < pathways; i++) {
            y.append("""
                  - id: domain%1$d
                    covers: ["domain%1$d.*"]
                    when: "action.targetSystem != 'legacy'"
                    anchor: ops
                    limits: {maxAmount: 1000, minConfidence: 0.8, maxRisk: 0.5}
                    triggers:
                      - id: new-customer
                        when: "has(action.parameters.tenureDays) && action.parameters.tenureDays < 30"
                      - id: weekend-large
                        when: "has(action.parameters.weekend) && action.parameters.weekend && action.amount > 500"
                    budgets:
                      - id: hourly
                        window: PT1H
                        maxCount: 100
                        maxAmount: 50000
                """.formatted(i));
        }
        return y.toString();
    }

    @Setup
    public void setUp() throws Exception {
        evaluator = new CharterEvaluator(CharterParser.parse("bench.yaml", charter(100)));
        inBounds = new ProposedAction("a-1", "agent-1", "domain99.refund", 120.0, 0.95, 0.1, true, "payments",
                Map.of("tenureDays", 400L, "weekend", false));
        outOfBounds = new ProposedAction("a-2", "agent-1", "domain99.refund", 1200.0, 0.95, 0.1, true, "payments",
                Map.of("tenureDays", 12L, "weekend", true));
    }

    @Benchmark
    public Decision autonomousDecisionOnTheLastOfHundredPathways() {
        return evaluator.evaluate(inBounds, now, usage);
    }

    @Benchmark
    public Decision escalationWithEveryRuleFiringOnTheLastOfHundredPathways() {
        return evaluator.evaluate(outOfBounds, now, usage);
    }
}
