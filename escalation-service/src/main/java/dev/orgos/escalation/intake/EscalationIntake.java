package dev.orgos.escalation.intake;

import dev.orgos.escalation.task.EscalationDesk;
import dev.orgos.schema.EscalationRaised;
import dev.orgos.service.kafka.OtherContracts;
import dev.orgos.service.store.DatabaseRefusals;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Takes escalation requests in, a batch per database transaction. The offsets are committed only
 * after the tasks and their outbox events are committed; a redelivery finds the tasks and
 * changes nothing (one task per action).
 */
@ApplicationScoped
public class EscalationIntake {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(EscalationIntake.class);

    @Inject
    EscalationDesk desk;

    @Incoming("escalation-requests")
    public Uni<Void> onRequests(KafkaRecordBatch<String, EscalationRaised> batch) {
        var sorted = OtherContracts.sort(batch, EscalationRaised.class, "an EscalationRaised",
                (r, reason) -> retried(desk.deadLetter(metadata(r), reason)));
        List<KafkaRecord<String, EscalationRaised>> requests = sorted.readable();
        Uni<Void> work = requests.isEmpty() ? Uni.createFrom().voidItem()
                : retried(desk.openAll(requests.stream().map(EscalationIntake::request).toList()).invoke(refusals::accepted))
                        .onFailure(DatabaseRefusals::forWhatItHolds).recoverWithUni(e -> oneAtATime(requests, e));
        return work.chain(sorted::deadLetters)
                .onItem().transformToUni(x -> Uni.createFrom().completionStage(batch.ack()))
                .onFailure().recoverWithUni(e -> Uni.createFrom().completionStage(batch.nack(e)));
    }

    /**
     * After the database refused a batch for what it holds (a value too long or with a NUL character,
     * from a producer that is not the router): each request alone, and the ones it refuses go to the
     * dead-letter topic with the database's reason. Retried with the batch, they stopped intake for good.
     * Their actions stay escalated without a task, so nothing proceeds: the dead letter says why.
     */
    private Uni<Void> oneAtATime(List<KafkaRecord<String, EscalationRaised>> records, Throwable refusal) {
        LOG.warnf("The database refused a batch of %d escalation request(s) (%s); opening them one at a time", records.size(),
                DatabaseRefusals.inItsWords(refusal));
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (KafkaRecord<String, EscalationRaised> r : records) {
            chain = chain.chain(() -> retried(desk.openAll(List.of(request(r))).invoke(refusals::accepted))
                    .onFailure(DatabaseRefusals::forWhatItHolds).recoverWithUni(e -> {
                        String words = DatabaseRefusals.inItsWords(e);
                        refusals.refused(words);
                        return retried(desk.deadLetter(metadata(r), "the escalation database refused the request: " + words));
                    }));
        }
        return chain;
    }

    /**
     * A step tried again while its failure is the database's passing trouble (a hiccup, a restart), up
     * to ten times; after that the failure stands, the batch is nacked and the channel stops (health
     * DOWN) rather than drop an escalation: silence is never consent, and neither is a lost request.
     * Each step is retried alone, so that a retry never repeats a dead letter already written.
     */
    private static Uni<Void> retried(Uni<Void> step) {
        return step.onFailure(e -> !DatabaseRefusals.forWhatItHolds(e)).retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(10);
    }

    private final dev.orgos.service.kafka.RefusalStreak refusals = new dev.orgos.service.kafka.RefusalStreak("escalation requests");

    private static EscalationDesk.Request request(KafkaRecord<String, EscalationRaised> r) {
        return new EscalationDesk.Request(r.getPayload(), traceId(r));
    }

    private static IncomingKafkaRecordMetadata<?, ?> metadata(KafkaRecord<String, ?> r) {
        return r.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
    }

    private static String traceId(KafkaRecord<String, ?> r) {
        Header h = r.getHeaders().lastHeader("traceparent");
        if (h == null) {
            return null;
        }
        String[] p = new String(h.value(), StandardCharsets.US_ASCII).split("-");
        return p.length >= 2 && p[1].length() == 32 ? p[1] : null;
    }
}
