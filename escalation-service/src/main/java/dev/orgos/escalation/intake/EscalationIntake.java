package dev.orgos.escalation.intake;

import dev.orgos.escalation.task.EscalationDesk;
import dev.orgos.schema.EscalationRaised;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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

    @Inject
    EscalationDesk desk;

    @Incoming("escalation-requests")
    public Uni<Void> onRequests(KafkaRecordBatch<String, EscalationRaised> batch) {
        List<EscalationDesk.Request> requests = new ArrayList<>();
        List<Uni<Void>> deadLetters = new ArrayList<>();
        for (KafkaRecord<String, EscalationRaised> r : batch) {
            // read as Object: the registry's reader makes the class the writer's schema names, so a record of
            // another contract arrives as that class, and a cast would fail the batch at every retry
            Object payload = r.getPayload();
            if (payload instanceof EscalationRaised raised) {
                requests.add(new EscalationDesk.Request(raised, traceId(r)));
            } else {
                deadLetters.add(desk.deadLetter(r.getMetadata(io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata.class)
                        .orElseThrow(), payload == null ? null : ((org.apache.avro.generic.GenericContainer) payload).getSchema().getFullName()));
            }
        }
        Uni<Void> work = requests.isEmpty() ? Uni.createFrom().voidItem() : desk.openAll(requests);
        for (Uni<Void> d : deadLetters) {
            work = work.chain(() -> d);
        }
        // A database hiccup is retried; if it persists the channel stops (health DOWN) rather
        // than drop an escalation: silence is never consent, and neither is a lost request.
        return work
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(10)
                .onItem().transformToUni(x -> Uni.createFrom().completionStage(batch.ack()))
                .onFailure().recoverWithUni(e -> Uni.createFrom().completionStage(batch.nack(e)));
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
