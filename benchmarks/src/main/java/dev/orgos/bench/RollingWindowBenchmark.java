package dev.orgos.bench;

import dev.orgos.governance.decision.BudgetUsage;
import dev.orgos.governance.decision.RollingWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One agent's budget over a day's rolling window, as the router keeps it: each operation is one
 * autonomous action, its budget looked up and then charged, one older action leaving the window.
 * {@code entries} is how many actions the window holds: 864,000 is an agent at ten a second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class RollingWindowBenchmark {

    static final Duration DAY = Duration.ofDays(1);

    @Param({"100", "86400", "864000"})
    int entries;

    RollingWindow window;
    long stepMillis;
    long now;

    @Setup
    public void fill() {
        window = new RollingWindow();
        stepMillis = DAY.toMillis() / entries;
        now = Instant.parse("2026-11-26T00:00:00Z").toEpochMilli();
        for (int i = 0; i < entries; i++) {
            now += stepMillis;
            window.add(Instant.ofEpochMilli(now), 12.5);
        }
    }

    @Benchmark
    public BudgetUsage.Usage decideAndCharge() {
        now += stepMillis;
        Instant at = Instant.ofEpochMilli(now);
        BudgetUsage.Usage used = window.usage(at, DAY);
        window.add(at, 12.5);
        return used;
    }
}
