package dev.orgos.escalation.intake;

import dev.orgos.escalation.task.EscalationDesk;
import dev.orgos.schema.EscalationRaised;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Takes escalation requests in. The offset is committed only after the task and its outbox
 * events are committed; a redelivery finds the task and changes nothing (one task per action).
 */
@ApplicationScoped
public class EscalationIntake {

    @Inject
    EscalationDesk desk;

    @Incoming("escalation-requests")
    public Uni<Void> onRequest(Message<EscalationRaised> message) {
        String traceId = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> m.getHeaders().lastHeader("traceparent"))
                .map(h -> new String(h.value(), StandardCharsets.US_ASCII).split("-"))
                .filter(p -> p.length >= 2 && p[1].length() == 32).map(p -> p[1]).orElse(null);
        Uni<Void> work = message.getPayload() == null
                ? desk.deadLetter(message.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow())
                : desk.open(message.getPayload(), traceId);
        // A database hiccup is retried; if it persists the channel stops (health DOWN) rather
        // than drop an escalation: silence is never consent, and neither is a lost request.
        return work
                .onFailure().retry().withBackOff(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(5)).atMost(10)
                .onItem().transformToUni(x -> Uni.createFrom().completionStage(ack(message)))
                .onFailure().recoverWithUni(e -> Uni.createFrom().completionStage(message.nack(e)));
    }

    private static CompletionStage<Void> ack(Message<?> m) {
        return m.ack();
    }
}
