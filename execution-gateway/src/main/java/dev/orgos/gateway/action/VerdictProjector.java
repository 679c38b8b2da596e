package dev.orgos.gateway.action;

import dev.orgos.schema.DeadLetter;
import dev.orgos.schema.Topics;
import dev.orgos.schema.Verdict;
import dev.orgos.service.kafka.OtherContracts;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import dev.orgos.service.store.DatabaseRefusals;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Keeps action_state in step with the verdicts topic, a batch at a time (one database round trip
 * per batch). Offsets are committed after the upserts; the upserts are idempotent, so a
 * redelivered batch changes nothing. Once committed, the new states go straight to this replica's
 * waiting long polls; other replicas hear of them from the database's notice.
 */
@ApplicationScoped
public class VerdictProjector {
    private static final Logger LOG = Logger.getLogger(VerdictProjector.class);

    @Inject
    ActionStore store;

    /** Long polls on this replica waiting for these actions are answered with the committed state. */
    @Inject
    StateChanges changes;

    /** Between tries while the database cannot be reached: growing from the first to the second. */
    static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

    /** Where a verdict this replica cannot read or store goes, with the reason. */
    @Inject
    @Channel("dead-letters-out")
    MutinyEmitter<DeadLetter> deadLetters;

    /**
     * A batch the database could not take for a reason of its own (the connection dropped, the server
     * restarting or out of connections, a deadlock) is tried again until it can, and the stream waits:
     * failing it stopped this replica's verdicts for good (the channel's failure strategy), so that its
     * long polls were never answered again until a restart. A batch the database refuses for what it
     * holds (a value too long, a NUL character) is applied a verdict at a time, and the verdicts it
     * refuses go to the dead-letter topic, as do records that are not verdicts: either would otherwise
     * have failed its batch at every try and stopped the verdicts behind it.
     */
    @Incoming("verdicts")
    public Uni<Void> onVerdicts(KafkaRecordBatch<String, Verdict> batch) {
        var sorted = OtherContracts.sort(batch, Verdict.class, "a Verdict", this::deadLetter);
        List<KafkaRecord<String, Verdict>> verdicts = sorted.readable();
        LOG.debugf("Applying %d verdicts", verdicts.size());
        Uni<Void> applied = verdicts.isEmpty() ? Uni.createFrom().voidItem()
                : apply(verdicts).invoke(refusals::accepted).onFailure(DatabaseRefusals::forWhatItHolds).recoverWithUni(e -> oneAtATime(verdicts, e));
        return applied.chain(sorted::deadLetters)
                .chain(() -> Uni.createFrom().completionStage(batch.ack()))
                .onFailure().recoverWithUni(e -> Uni.createFrom().completionStage(batch.nack(e)));
    }

    /** Applies the verdicts in one round trip, trying again while the database's trouble is passing. */
    private Uni<Void> apply(List<KafkaRecord<String, Verdict>> records) {
        List<Verdict> verdicts = records.stream().map(KafkaRecord::getPayload).toList();
        AtomicInteger failures = new AtomicInteger();
        return store.applyAll(verdicts)
                .onFailure(VerdictProjector::passing).invoke(e -> {
                    if (failures.getAndIncrement() == 0) {
                        LOG.warnf("Cannot apply %d verdict(s) (%s); trying again until the database answers. Meanwhile "
                                + "actions keep their last state here and long polls wait", verdicts.size(), e.getMessage());
                    }
                })
                .onFailure(VerdictProjector::passing).retry().withBackOff(FIRST_PAUSE, LONGEST_PAUSE).indefinitely()
                .invoke(changed -> {
                    if (failures.get() > 0) {
                        LOG.infof("Applied the %d verdict(s) after %d failed tries", verdicts.size(), failures.get());
                    }
                    changed.forEach(changes::decided);
                })
                .replaceWithVoid();
    }

    /** After the database refused a batch for what it holds: each verdict alone, the refused ones to the dead letters. */
    private Uni<Void> oneAtATime(List<KafkaRecord<String, Verdict>> records, Throwable refusal) {
        LOG.warnf("The database refused a batch of %d verdict(s) (%s); applying them one at a time", records.size(), DatabaseRefusals.inItsWords(refusal));
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (KafkaRecord<String, Verdict> r : records) {
            chain = chain.chain(() -> apply(List.of(r)).invoke(refusals::accepted).onFailure(DatabaseRefusals::forWhatItHolds)
                    .recoverWithUni(e -> {
                        String words = DatabaseRefusals.inItsWords(e);
                        refusals.refused(words);
                        return deadLetter(r, "the gateway's database refused the verdict: " + words);
                    }));
        }
        return chain;
    }

    private final dev.orgos.service.kafka.RefusalStreak refusals = new dev.orgos.service.kafka.RefusalStreak("verdicts");

    private Uni<Void> deadLetter(KafkaRecord<String, Verdict> r, String reason) {
        var meta = r.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        LOG.warnf("Sending %s-%d@%d to %s: %s", meta.getTopic(), meta.getPartition(), meta.getOffset(), Topics.DEAD_LETTERS.topic(), reason);
        DeadLetter letter = dev.orgos.service.kafka.DeadLettering.letter("execution-gateway", meta, reason, Instant.now());
        // the broker or the registry away: the letter waits, and the verdicts behind it, rather than the channel
        // stopping; a letter the broker refuses for itself fails the batch (nack: the channel stops, health DOWN)
        return Uni.createFrom().deferred(() -> deadLetters.sendMessage(KafkaRecord.of(Topics.DEAD_LETTERS.topic(), letter.getKey(), letter)))
                .onFailure(VerdictProjector::worthRetrying).retry().withBackOff(FIRST_PAUSE, LONGEST_PAUSE).indefinitely();
    }

    /** Whether a failed send may succeed when tried again: Kafka says so, or the registry was away. */
    static boolean worthRetrying(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.RetriableException) {
                return true;
            }
        }
        return dev.orgos.service.kafka.RegistryPatience.unreachable(e);
    }

    /**
     * Whether a failure is the database's passing trouble rather than something about these verdicts:
     * a connection problem (SQLSTATE class 08), the server shutting down or restarting (57), out of
     * resources (53), a transaction rolled back by a deadlock or serialization failure (40), or no
     * answer from the server at all. Anything else fails the batch, as before.
     */
    static boolean passing(Throwable e) {
        String state = DatabaseRefusals.sqlState(e); // wherever it is among the causes
        if (state != null) {
            return state.startsWith("08") || state.startsWith("57") || state.startsWith("53") || state.startsWith("40");
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException || t instanceof io.vertx.core.VertxException || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }
}
