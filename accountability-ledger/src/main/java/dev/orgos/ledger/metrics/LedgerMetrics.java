package dev.orgos.ledger.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ledger's health in numbers: entries sealed, how far sealing trails the facts it seals
 * (ledger lag), and how old and how far behind the latest signed checkpoint is. An auditor's
 * proofs can only be as fresh as the checkpoint, so its age is the number to alert on.
 */
@Startup
@ApplicationScoped
public class LedgerMetrics {

    @Inject
    MeterRegistry registry;

    private final AtomicLong sealed = new AtomicLong(-1);
    private final AtomicLong checkpointSize = new AtomicLong(-1);
    private final AtomicLong checkpointMillis = new AtomicLong(-1);
    private Counter entries;
    private Counter lookedUp;
    private Counter ignoredInWindow;
    private Counter ignoredFromDatabase;
    private Timer lag;

    @PostConstruct
    void register() {
        entries = Counter.builder("orgos.ledger.entries.sealed").description("Ledger entries sealed since this instance started")
                .register(registry);
        lookedUp = Counter.builder("orgos.ledger.facts.looked.up")
                .description("Facts looked up in the database as possible late copies of facts sealed before the window of "
                        + "recent ids (a batch taken again counts again); steadily rising means facts published long after "
                        + "they occurred, or a publisher's clock running ahead")
                .register(registry);
        ignoredInWindow = Counter.builder("orgos.ledger.duplicates.ignored").tag("found_in", "window")
                .description("Copies of facts already sealed, not sealed again (a batch taken again counts again)").register(registry);
        ignoredFromDatabase = Counter.builder("orgos.ledger.duplicates.ignored").tag("found_in", "database")
                .description("Copies of facts already sealed, not sealed again (a batch taken again counts again)").register(registry);
        lag = Timer.builder("orgos.ledger.lag").description("From a fact's arrival on the facts topic to its sealing in the ledger")
                .publishPercentileHistogram().register(registry);
        Gauge.builder("orgos.ledger.size", sealed, AtomicLong::get).description("Entries in the ledger (its next sequence number)")
                .register(registry);
        Gauge.builder("orgos.ledger.checkpoint.age.seconds", checkpointMillis,
                        m -> m.get() < 0 ? Double.NaN : (System.currentTimeMillis() - m.get()) / 1000.0)
                .description("Age of the latest signed checkpoint").register(registry);
        Gauge.builder("orgos.ledger.unsigned.entries", this,
                        m -> m.sealed.get() < 0 || m.checkpointSize.get() < 0 ? Double.NaN : m.sealed.get() - m.checkpointSize.get())
                .description("Entries sealed but not yet covered by a signed checkpoint").register(registry);
    }

    /** A committed batch: {@code count} new entries, the ledger now {@code size} long, the newest fact {@code lagMillis} old. */
    public void sealed(int count, long size, long lagMillis) {
        entries.increment(count);
        sealed.set(size);
        if (count > 0) {
            lag.record(Duration.ofMillis(Math.max(0, lagMillis)));
        }
    }

    /** Facts about to be looked up in the database as possible late copies. */
    public void lookingUp(int facts) {
        lookedUp.increment(facts);
    }

    /** A copy of a fact already sealed, found among the recent ids or else in the database. */
    public void duplicateIgnored(boolean foundInDatabase) {
        (foundInDatabase ? ignoredFromDatabase : ignoredInWindow).increment();
    }

    public void checkpointed(long treeSize, long timestampMillis) {
        checkpointSize.set(treeSize);
        checkpointMillis.set(timestampMillis);
    }
}
