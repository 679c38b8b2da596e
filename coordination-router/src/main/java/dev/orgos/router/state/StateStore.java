package dev.orgos.router.state;

import static dev.orgos.governance.Durations.words;

import dev.orgos.schema.RouterStateDelta;
import dev.orgos.schema.Topics;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.jboss.logging.Logger;

/**
 * The router's state per actions partition, backed by the router-state topic: the deltas are
 * written in the routing transactions, so the topic always agrees with the committed offsets,
 * and whoever owns a partition next replays them. Like a Kafka Streams state store with its
 * changelog, without the framework.
 */
@ApplicationScoped
public class StateStore {
    private static final Logger LOG = Logger.getLogger(StateStore.class);

    private final Map<Integer, PartitionState> states = new ConcurrentHashMap<>();

    @Inject
    dev.orgos.service.kafka.MeshClients mesh;

    @Inject
    dev.orgos.router.charter.RouterConfig config;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @jakarta.annotation.PostConstruct
    void gauges() {
        io.micrometer.core.instrument.Gauge.builder("orgos.router.remembered.actions", states,
                        s -> s.values().stream().mapToLong(PartitionState::decidedCount).sum())
                .description("Action ids this instance remembers as decided (its partitions, within orgos.router.dedup-window)")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder("orgos.router.remembered.budgets", states,
                        s -> s.values().stream().mapToLong(PartitionState::budgetCount).sum())
                .description("Agents' budgets (agent, pathway, budget) this instance keeps charges for; idle ones are forgotten")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder("orgos.router.remembered.actions.bytes", states,
                        s -> s.values().stream().mapToLong(PartitionState::decidedFootprint).sum())
                .description("Memory those remembered action ids take").baseUnit("bytes")
                .register(registry);
    }

    /**
     * The states of these partitions, restoring any that this instance does not hold. The map is the
     * caller's own: a rebalance that forgets partitions meanwhile (on the polling thread) does not
     * take states from under a batch being decided; that batch is then refused at commit.
     */
    public Uni<Map<Integer, PartitionState>> states(Collection<Integer> partitions) {
        Map<Integer, PartitionState> held = new java.util.HashMap<>();
        List<Integer> missing = new java.util.ArrayList<>();
        for (Integer p : new java.util.HashSet<>(partitions)) {
            PartitionState s = states.get(p);
            if (s == null) {
                missing.add(p);
            } else {
                held.put(p, s);
            }
        }
        if (missing.isEmpty()) {
            return Uni.createFrom().item(held);
        }
        return Uni.createFrom().item(() -> {
            held.putAll(restore(missing));
            return held;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** Forgets partitions: they moved, or a transaction over them failed. Rebuilt on next use. */
    public void forget(Collection<Integer> partitions) {
        partitions.forEach(states::remove);
    }

    @Inject
    dev.orgos.router.charter.Charters charters;

    java.time.Clock clock = java.time.Clock.systemUTC();

    /**
     * How far back a restore reads: what the state must remember reaches back the de-duplication
     * window or the longest budget window of any charter, whichever is longer, plus an hour for
     * actions decided a while after their own time. Empty (read everything kept) when the charters
     * cannot be read: a budget must never count less than it spent.
     */
    Optional<Duration> horizon() {
        return horizon(charters.longestBudgetWindow());
    }

    /** The horizon for the charters' longest budget window (empty: unknown). */
    private Optional<Duration> horizon(Optional<Duration> longestBudgetWindow) {
        Optional<Duration> horizon = longestBudgetWindow
                .map(budgets -> (budgets.compareTo(config.dedupWindow()) > 0 ? budgets : config.dedupWindow()).plus(MARGIN));
        horizon.ifPresent(this::warnIfBeyondRetention);
        return horizon;
    }

    /** The horizon last checked against the retention. */
    private volatile Duration warnedFor;

    /** Checks the retention again at the next restore (for a test that changes it). */
    void checkRetentionAgain() {
        warnedFor = null;
    }

    /**
     * Says so, once per horizon, when the state topic keeps less than the state must cover: after a
     * partition moves, budgets would count only what the topic still has, and ids decided earlier
     * could be decided again. Asked of the broker, since an operator sets the retention there.
     */
    private void warnIfBeyondRetention(Duration horizon) {
        if (horizon.equals(warnedFor)) {
            return;
        }
        String topic = Topics.ROUTER_STATE.topic();
        try (Admin admin = Admin.create(dev.orgos.schema.Clients.admin(mesh.bootstrap()))) {
            var resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            var entry = admin.describeConfigs(List.of(resource)).all().get(10, java.util.concurrent.TimeUnit.SECONDS)
                    .get(resource).get("retention.ms");
            long retention = entry == null || entry.value() == null ? -1 : Long.parseLong(entry.value());
            if (retention >= 0 && horizon.toMillis() - MARGIN.toMillis() > retention) {
                LOG.warnf("%s keeps %s, less than the %s the router's state must cover (orgos.router.dedup-window or the longest "
                                + "budget window of a charter): after a partition moves, budgets count only what is kept and older "
                                + "action ids could be decided again. Raise the topic's retention.ms to at least the longer of the two",
                        topic, words(Duration.ofMillis(retention)), words(horizon.minus(MARGIN)));
            }
            warnedFor = horizon;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debugf("Could not read the retention of %s (%s)", topic, e.getMessage());
        }
    }

    static final Duration MARGIN = Duration.ofHours(1);

    /**
     * A partition whose state names no charter: no delta of it is left (none was ever written, or a
     * partition without actions for longer than the state topic's retention lost them all, and with
     * them the charter in force). It takes the charter published last, which every publication puts
     * in force on every partition; without this, each of its actions escalated as if no charter
     * were in force, until the next publication. Its own activation marker, when one is still ahead
     * in the partition, switches it as usual.
     */
    static void takeTheLatestCharterWhereNoneIsKnown(Map<Integer, PartitionState> restored, Optional<String> latest, String topic) {
        latest.ifPresent(key -> restored.forEach((partition, state) -> {
            if (state.charterKey() == null) {
                LOG.warnf("Partition %d of %s has no state left that names its charter (none written yet, or older than the "
                        + "state topic's retention); it takes %s, the charter published last", partition, topic, key);
                state.activate(key);
            }
        }));
    }

    private Map<Integer, PartitionState> restore(List<Integer> partitions) {
        Properties p = mesh.reader();
        p.put("max.poll.records", "2000");
        Optional<Duration> budgets = charters.longestBudgetWindow();
        Optional<Duration> horizon = horizon(budgets);
        try (KafkaConsumer<String, RouterStateDelta> c = new KafkaConsumer<>(p)) {
            StateRestore.Restored restored = StateRestore.restore(c, Topics.ROUTER_STATE.topic(), partitions,
                    horizon.map(h -> clock.instant().minus(h)), config.dedupWindow(), budgets);
            // budgets empty: the charters could not be read in time, and asking for the latest would wait as long again
            if (budgets.isPresent() && restored.states().values().stream().anyMatch(s -> s.charterKey() == null)) {
                takeTheLatestCharterWhereNoneIsKnown(restored.states(), charters.latestPublished(), Topics.ACTIONS.topic());
            }
            states.putAll(restored.states());
            for (var e : restored.states().entrySet()) {
                LOG.infof("Partition %d of %s restored from %d state deltas %s: charter %s, %d actions decided in the last %s remembered",
                        e.getKey(), Topics.ACTIONS.topic(), restored.deltas().getOrDefault(e.getKey(), 0L),
                        horizon.map(h -> "of the last " + words(h)).orElse("(all kept: the charters could not be read to bound them)"),
                        e.getValue().charterKey() == null ? "none yet" : e.getValue().charterKey(),
                        e.getValue().decidedCount(), words(config.dedupWindow()));
            }
            return restored.states();
        }
    }
}
