package dev.orgos.router.charter;

import dev.orgos.governance.charter.Budget;
import dev.orgos.governance.charter.Charter;
import dev.orgos.governance.decision.CharterEvaluator;
import dev.orgos.service.charter.CharterLibrary;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Every published charter version, from the charters topic, with one evaluator per version.
 * Which version applies to an action is the partition's business (see PartitionState): the
 * version activated by the last marker before the action in its partition.
 */
@Startup
@ApplicationScoped
public class Charters {
    private static final Logger LOG = Logger.getLogger(Charters.class);
    private static final CharterEvaluator NONE = new CharterEvaluator(null);

    private final CharterLibrary library;
    private final RouterConfig config;
    private final Map<String, CharterEvaluator> evaluators = new ConcurrentHashMap<>();

    public Charters(dev.orgos.service.kafka.MeshClients mesh, RouterConfig config) {
        this.library = new CharterLibrary(mesh.bootstrap(), mesh.registryUrl());
        this.config = config;
    }

    /** The evaluator for a charter version; with no version, or an unknown one, everything escalates. */
    public CharterEvaluator evaluator(String charterKey) {
        if (charterKey == null) {
            return NONE;
        }
        CharterEvaluator known = evaluators.get(charterKey);
        if (known != null) {
            return known;
        }
        // not remembered while unknown: a version read late (its marker's wait ran out, or the library was
        // still catching up) is used from the first action after it is read, not never
        return library.get(charterKey).map(c -> evaluators.computeIfAbsent(charterKey, k -> new CharterEvaluator(c))).orElse(NONE);
    }

    /** Waits (bounded) until the charter of an activation marker has been read. */
    public Uni<Charter> awaitCharter(String key) {
        return Uni.createFrom().completionStage(library.await(key))
                .ifNoItem().after(config.charterWait()).recoverWithItem(() -> {
                    LOG.errorf("Charter %s was activated but cannot be read (missing or invalid on the charters topic): "
                            + "actions after its marker escalate until a valid charter is activated", key);
                    return null;
                });
    }

    /**
     * The longest budget window of any charter version published, once the charters topic has been
     * read as it was at start; empty when it could not be read within {@code orgos.router.charter-wait}.
     * Blocks: call it off the event loop.
     */
    public Optional<Duration> longestBudgetWindow() {
        if (!caughtUp()) {
            return Optional.empty();
        }
        return Optional.of(library.publications().stream()
                .flatMap(p -> p.charter().pathways().stream())
                .flatMap(pathway -> pathway.budgets().stream())
                .map(Budget::window)
                .max(Comparator.naturalOrder()).orElse(Duration.ZERO));
    }

    /**
     * The key (charterId:version) of the charter published last, once the charters topic has been
     * read as it was at start; empty when none was, or it could not be read in time. Blocks: call it
     * off the event loop.
     */
    public Optional<String> latestPublished() {
        if (!caughtUp()) {
            return Optional.empty();
        }
        return library.publications().stream().max(Comparator.comparing(CharterLibrary.Publication::publishedAt))
                .map(p -> CharterLibrary.key(p.charter().id(), p.charter().version()));
    }

    /** Whether the library has read the charters topic as it was at start, within {@code orgos.router.charter-wait}. */
    private boolean caughtUp() {
        try {
            return library.awaitCaughtUp(config.charterWait());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void close(@Observes ShutdownEvent e) {
        library.close();
    }
}
