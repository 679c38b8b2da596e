package dev.orgos.ledger.sealing;

import dev.orgos.governance.ledger.LedgerChain;
import dev.orgos.schema.AccountabilityFact;
import dev.orgos.schema.Topics;
import dev.orgos.service.kafka.OtherContracts;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The ledger's one writer. Each batch of facts is sealed and appended in one Kafka transaction
 * with the consumed offsets: each fact appears once, in the order of the facts topic (one
 * partition), across crashes. The chain state is adopted only after the commit; after a
 * failure it is rebuilt from the ledger topic before the batch is tried again.
 */
@ApplicationScoped
public class LedgerWriter {
    private static final Logger LOG = Logger.getLogger(LedgerWriter.class);

    @Inject
    @Channel("ledger-out")
    // one entry per fact of a batch of up to 2000, plus dead letters, in one transaction
    @org.eclipse.microprofile.reactive.messaging.OnOverflow(value = org.eclipse.microprofile.reactive.messaging.OnOverflow.Strategy.BUFFER, bufferSize = 8192)
    KafkaTransactions<SpecificRecord> transactions;

    @Inject
    ChainRecovery recovery;

    @Inject
    SealedBefore sealedBefore;

    /** How many recent event ids the writer keeps to find duplicates without the database (see {@link SealedState}). */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "orgos.ledger.dedup-window")
    int window;

    @Inject
    dev.orgos.ledger.metrics.LedgerMetrics metrics;

    Clock clock = Clock.systemUTC();

    private volatile SealedState state;

    static final String FACTS = "facts";

    @Inject
    dev.orgos.service.kafka.Rewinds rewinds;

    @Incoming(FACTS)
    public Uni<Void> seal(KafkaRecordBatch<String, AccountabilityFact> batch) {
        return current().chain(working -> sealedBeforeWindow(batch, working).chain(sealedBefore -> {
            // The state is changed in place: if the transaction fails it is thrown away and read
            // again from the ledger topic, so there is nothing to roll back (and no copy to make).
            long first = working.chain.nextSequence();
            return transactions.withTransactionAndAck(batch, tx -> {
                        try {
                            for (KafkaRecord<String, AccountabilityFact> record : batch) {
                                sealOne(record, working, sealedBefore, tx);
                            }
                            working.batchSealed();
                            return Uni.createFrom().voidItem();
                        } catch (RuntimeException e) {
                            // a failed Uni aborts the transaction and rewinds the consumer; a thrown exception might not
                            return Uni.createFrom().failure(e);
                        }
                    })
                    .invoke(() -> {
                        var records = batch.getRecords();
                        long newest = records.isEmpty() ? clock.millis() : records.get(records.size() - 1).getTimestamp().toEpochMilli();
                        metrics.sealed((int) (working.chain.nextSequence() - first), working.chain.nextSequence(), clock.millis() - newest);
                        if (working.chain.nextSequence() > first) {
                            // one line per batch: per-entry lines (DEBUG) would cost more than sealing at thousands a second
                            LOG.infof("Sealed ledger entries #%d to #%d", first, working.chain.nextSequence() - 1);
                        }
                    })
                    .invoke(() -> rewinds.succeeded(FACTS));
        })).onFailure().recoverWithUni(e -> {
            if (!(e instanceof SealedBefore.Unavailable)) {
                // the chain may hold the failed batch's entries: read again from the ledger topic, as committed
                state = null;
            }
            if (producerUnusable(e)) {
                // SmallRye's transactional producer is never replaced once fenced: the channel ends, and
                // its health check reports DOWN so that the orchestrator restarts the ledger.
                LOG.errorf("The ledger's transactional producer can no longer be used (%s): sealing stops, and health "
                        + "reports DOWN until the ledger is restarted; nothing is lost, the facts wait on their topic", e);
                return Uni.createFrom().failure(e);
            }
            LOG.infof("Sealing a batch failed; the chain will be re-read from the ledger topic");
            // Any other failure is rewound: a failed Uni would end the channel and the ledger would stop sealing.
            return rewinds.rewind(FACTS, e);
        });
    }

    /**
     * Errors after which a transactional producer refuses every further transaction. (An invalid
     * epoch is not one: the transaction timed out, and the producer may abort it and go on.)
     */
    static boolean producerUnusable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.ProducerFencedException
                    || t instanceof org.apache.kafka.common.errors.OutOfOrderSequenceException
                    || t instanceof org.apache.kafka.common.errors.AuthorizationException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The facts of the batch that were sealed before the window of recent ids: looked up in the
     * database only for facts old enough to have been (none, nearly always).
     */
    private Uni<Set<String>> sealedBeforeWindow(KafkaRecordBatch<String, AccountabilityFact> batch, SealedState working) {
        Set<String> late = new HashSet<>();
        long now = clock.millis();
        for (KafkaRecord<String, AccountabilityFact> record : batch) {
            if (!(record.getPayload() instanceof AccountabilityFact fact) || fact.getEventId() == null || fact.getOccurredAt() == null) {
                continue; // refused when it is sealed
            }
            warnIfPublisherAhead(fact, now);
            if (!working.alreadySealed(fact.getEventId()) && working.mayHaveBeenSealedBeforeWindow(fact.getOccurredAt().toEpochMilli())) {
                late.add(fact.getEventId());
            }
        }
        if (late.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        metrics.lookingUp(late.size());
        return sealedBefore.among(late, working.oldestRemembered());
    }

    /** When the next line about a publisher's clock may be written: one a minute at most. */
    private long clockWarningQuietUntil;

    /**
     * A fact that occurred later than now by more than {@link SealedState#CLOCK_MARGIN} comes from a
     * publisher whose clock runs ahead. It is sealed as usual, but once it leaves the window every
     * fact that occurred before its time is looked up in the database (a query per batch) until
     * real time catches up. Only the counter showed that; an operator should be told whose clock.
     */
    private void warnIfPublisherAhead(AccountabilityFact fact, long now) {
        String warning = aheadWarning(fact.getEventId(), fact.getSource(), fact.getOccurredAt(), now);
        if (warning != null && now >= clockWarningQuietUntil) {
            clockWarningQuietUntil = now + 60_000;
            LOG.warn(warning + " (at most one such line a minute)");
        }
    }

    /** What to tell the operator about a fact that occurred too far after {@code nowMillis}; null when its time is plausible. */
    static String aheadWarning(String eventId, String source, java.time.Instant occurredAt, long nowMillis) {
        long ahead = occurredAt.toEpochMilli() - nowMillis;
        if (ahead <= SealedState.CLOCK_MARGIN.toMillis()) {
            return null;
        }
        return String.format(java.util.Locale.ROOT, "Fact %s from %s occurred %,d ms after this ledger's clock: the clock of %s "
                + "runs ahead. It is sealed as usual; until real time passes %s, facts are looked up in the database before they "
                + "are sealed, to be sure none is sealed twice (orgos_ledger_facts_looked_up_total)", eventId, source, ahead, source,
                occurredAt);
    }

    private void sealOne(KafkaRecord<String, AccountabilityFact> record, SealedState working, Set<String> sealedBefore,
                         io.smallrye.reactive.messaging.kafka.transactions.TransactionalEmitter<SpecificRecord> tx) {
        Object payload = record.getPayload(); // read as Object: see OtherContracts
        if (!(payload instanceof AccountabilityFact fact)) {
            deadLetter(record, OtherContracts.why("an AccountabilityFact", payload, record.getHeaders()), tx);
            return;
        }
        String refusal = FactMapping.refusal(fact);
        if (refusal != null) {
            deadLetter(record, refusal, tx);
            return;
        }
        if (working.alreadySealed(fact.getEventId())) {
            LOG.debugf("Fact %s is already sealed; duplicate ignored", fact.getEventId());
            metrics.duplicateIgnored(false);
            return;
        }
        if (sealedBefore.contains(fact.getEventId())) {
            LOG.infof("Fact %s (%s, occurred %s) was sealed already, before the last %,d entries; this late copy is ignored",
                    fact.getEventId(), fact.getFactType(), fact.getOccurredAt(), window);
            metrics.duplicateIgnored(true);
            return;
        }
        byte[] canonical = FactMapping.canonical(fact);
        if (canonical.length > FactMapping.LARGEST_FACT) {
            deadLetter(record, String.format(java.util.Locale.ROOT, "the fact takes %,d bytes, more than the %,d a ledger entry may "
                    + "carry; the broker would refuse its entry, and sealing would stop behind it", canonical.length, FactMapping.LARGEST_FACT), tx);
            return;
        }
        LedgerChain.Sealed sealed = working.chain.append(clock.millis(), canonical);
        working.remember(fact.getEventId(), fact.getOccurredAt().toEpochMilli());
        tx.send(KafkaRecord.of(Topics.LEDGER.topic(), Long.toString(sealed.sequence()), FactMapping.entry(fact, canonical, sealed)));
        LOG.debugf("Ledger #%d %s: %s [anchor %s%s]", sealed.sequence(), fact.getFactType(), fact.getSummary(),
                fact.getAnchor().getRole(), fact.getAnchor().getPerson() == null ? "" : ", " + fact.getAnchor().getPerson());
    }

    private void deadLetter(KafkaRecord<String, AccountabilityFact> record, String reason,
                            io.smallrye.reactive.messaging.kafka.transactions.TransactionalEmitter<SpecificRecord> tx) {
        var meta = record.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        var letter = dev.orgos.service.kafka.DeadLettering.letter("accountability-ledger", meta, reason, clock.instant());
        tx.send(KafkaRecord.of(Topics.DEAD_LETTERS.topic(), letter.getKey(), letter));
        LOG.warnf("Refused to seal a record from %s (offset %d): %s", record.getTopic(), meta.getOffset(), reason);
    }

    /** The chain state, read from the ledger topic on first use and after any failure. */
    private Uni<SealedState> current() {
        SealedState s = state;
        if (s != null) {
            return Uni.createFrom().item(s);
        }
        return Uni.createFrom().item(() -> recovery.recover(window)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .invoke(r -> state = r);
    }
}
