package dev.orgos.gateway.action;

import dev.orgos.schema.ActionProposed;
import dev.orgos.schema.Topics;
import dev.orgos.service.kafka.MeshClients;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

/**
 * Puts accepted actions on the actions topic, keyed by agent id (one agent's actions stay in
 * order, in one partition). acks=all with idempotence: an action is on the broker, replicated,
 * before the worker hears 202, and a retried send is never written twice.
 *
 * <p>A plain KafkaProducer, as the router's, not a SmallRye emitter: the emitter wraps each record
 * in a Message and a Uni with the request's context captured around every step, which cost more
 * than the send (see docs/benchmarks.md). What the emitter did besides, this does too: the trace
 * goes along in a {@code traceparent} header, and {@code send} is called on a thread of its own, never on
 * an event loop, since it blocks while the broker's metadata is unknown (broker down at start-up).
 */
@Singleton
public class ActionsProducer {
    private static final Logger LOG = Logger.getLogger(ActionsProducer.class);

    @Inject
    MeshClients mesh;

    /**
     * How long the producer gathers accepted actions into one request to the broker
     * ({@code linger.ms}). Every worker waits this long at most, for its 202, and for its verdict.
     */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "orgos.gateway.actions-linger", defaultValue = "0ms")
    Duration linger;

    /** The producer's own metrics (send rate, request latency, errors) in /q/metrics, as SmallRye's clients have them. */
    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    private io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics clientMetrics;

    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "orgos-gateway-actions-sender");
        t.setDaemon(true);
        return t;
    });

    private volatile KafkaProducer<String, ActionProposed> producer;

    private final SendHealth health = new SendHealth();

    /** What the latest sends say about the broker (the readiness check's source). */
    SendHealth health() {
        return health;
    }

    /** Completes when the broker has the action (acks=all), on the producer's thread. */
    public CompletableFuture<RecordMetadata> send(String agentId, ActionProposed action, Context trace) {
        ProducerRecord<String, ActionProposed> record = new ProducerRecord<>(Topics.ACTIONS.topic(), agentId, action);
        W3CTraceContextPropagator.getInstance().inject(trace, record,
                (r, name, value) -> r.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        CompletableFuture<RecordMetadata> acknowledged = new CompletableFuture<>();
        try {
            sender.execute(() -> {
                try {
                    producer().send(record, (metadata, failure) -> {
                        if (failure == null) {
                            health.succeeded(System.nanoTime());
                            acknowledged.complete(metadata);
                        } else {
                            health.failed(System.nanoTime(), failure.getMessage());
                            acknowledged.completeExceptionally(failure);
                        }
                    });
                } catch (RuntimeException e) {
                    health.failed(System.nanoTime(), e.getMessage());
                    acknowledged.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            acknowledged.completeExceptionally(new IllegalStateException("the gateway is stopping", e));
        }
        return acknowledged;
    }

    private KafkaProducer<String, ActionProposed> producer() {
        KafkaProducer<String, ActionProposed> p = producer;
        if (p == null) {
            Properties settings = mesh.writer();
            settings.put("client.id", "orgos-gateway-actions");
            settings.put("acks", "all");
            settings.put("enable.idempotence", "true");
            // the worker waits for this send: by default no lingering (the client's default is 5 ms).
            // Under load, records still batch while the previous request to the broker is out.
            settings.put("linger.ms", Long.toString(linger.toMillis()));
            p = new KafkaProducer<>(settings);
            clientMetrics = new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(p);
            clientMetrics.bindTo(registry);
            producer = p;
            LOG.infof("Accepted actions go to %s (acks=all, idempotent, gathered for %d ms)", Topics.ACTIONS.topic(), linger.toMillis());
        }
        return p;
    }

    /** Made at start, off the event loop, so that the first worker does not wait for it. */
    void start(@Observes io.quarkus.runtime.StartupEvent e) {
        sender.execute(() -> {
            try {
                producer();
            } catch (RuntimeException failed) {
                LOG.warnf("The producer for accepted actions could not be made yet (%s); the first submission tries again",
                        failed.getMessage());
            }
        });
    }

    void stop(@Observes ShutdownEvent e) {
        sender.shutdown();
        try {
            sender.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        if (clientMetrics != null) {
            clientMetrics.close();
        }
        KafkaProducer<String, ActionProposed> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(10)); // what was acknowledged to workers is already on the broker; this flushes the rest
        }
    }
}
