package dev.orgos.service.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.jboss.logging.Logger;

/**
 * One transactional KafkaProducer, used from one thread of its own: each {@link #write} is one
 * transaction, committed or aborted before the call returns. A plain producer rather than a SmallRye
 * channel's {@code KafkaTransactions}: a channel's transaction has no bound of its own (its sink
 * retries a failed send inside the transaction until the delivery timeout), and records no step a
 * watch could name; here every wait is one of the producer's own, bounded by its settings, and the
 * thread's stack says where a long one waits.
 *
 * <p>A fatal error (fenced, out of sequence, not authorized) closes the producer and the next write
 * makes a new one; any other failure aborts the transaction and the producer goes on. Either way the
 * caller learns that the transaction may not have committed, and writes again or leaves it to its
 * next run. May not: a commit that timed out can still land at the broker, so what is written again
 * can be written twice, and every consumer of these records is idempotent for that (event ids).
 */
public final class TransactionalProducer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TransactionalProducer.class);

    private final String name;
    private final Supplier<Properties> settings;
    private final MeterRegistry registry;
    private final ExecutorService thread;

    /**
     * Made and used on {@link #thread} only, as is the binding of its metrics; read elsewhere only by
     * {@link #close}, to abort a transaction that would otherwise outlive the service.
     */
    private volatile KafkaProducer<String, SpecificRecord> producer;
    private volatile boolean closed;
    private KafkaClientMetrics producerMetrics;

    /**
     * @param name     what the producer is for, in its thread's name and its log lines ("outbox relay")
     * @param settings the producer's settings, read each time a producer is made: they must name
     *                 the transactional id
     * @param registry where the producer's own metrics go (send rate, request latency, errors); may be null
     */
    public TransactionalProducer(String name, Supplier<Properties> settings, MeterRegistry registry) {
        this.name = name;
        this.settings = settings;
        this.registry = registry;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "orgos-" + name.replace(' ', '-') + "-transactions");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Settings for a publisher whose failed write is tried again by its next run (an outbox relay, a
     * sweep) rather than waited for: {@code writer}'s, with the ids, and every wait bounded so that a
     * broker that is away fails a write within a minute or so. A metadata lookup or a full buffer by
     * {@code max.block.ms}, a send and its retries by {@code delivery.timeout.ms}, both 30 s, one
     * request by {@code request.timeout.ms}, 15 s (Kafka's defaults are 60 s, two minutes and 30 s).
     */
    public static Properties bounded(Properties writer, String transactionalId, String clientId) {
        writer.put("transactional.id", transactionalId);
        writer.put("client.id", clientId);
        writer.put("max.block.ms", "30000");
        writer.put("delivery.timeout.ms", "30000");
        writer.put("request.timeout.ms", "15000");
        return writer;
    }

    /** Runs {@code work} on the producer's thread, where {@link #write} may be called; one at a time, in order. */
    public <T> Uni<T> onItsThread(Callable<T> work) {
        return Uni.createFrom().deferred(() -> closed ? Uni.createFrom().<T>failure(stopping()) : Uni.createFrom().item(() -> {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).runSubscriptionOn(thread));
    }

    private IllegalStateException stopping() {
        return new IllegalStateException("the " + name + " is stopping: nothing more is written");
    }

    /** Writes {@code records} in one transaction, on the producer's thread. */
    public Uni<Void> commit(List<ProducerRecord<String, SpecificRecord>> records) {
        return onItsThread(() -> {
            write(records, Map.of(), null);
            return null;
        });
    }

    /**
     * Writes {@code records}, and commits {@code offsets} for {@code group} if there are any, in one
     * transaction. Only on the producer's thread (see {@link #onItsThread}). Throws when the
     * transaction did not commit.
     */
    public void write(List<ProducerRecord<String, SpecificRecord>> records, Map<TopicPartition, OffsetAndMetadata> offsets,
                      ConsumerGroupMetadata group) {
        KafkaProducer<String, SpecificRecord> p = producer();
        try {
            p.beginTransaction();
            for (ProducerRecord<String, SpecificRecord> r : records) {
                p.send(r); // a failed send fails the commit below
            }
            if (!offsets.isEmpty()) {
                p.sendOffsetsToTransaction(offsets, group);
            }
            p.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException | InvalidProducerEpochException e) {
            LOG.warnf("The Kafka producer of the %s cannot go on (%s); it is replaced, and nothing of this transaction was written",
                    name, e.getMessage());
            closeProducer();
            throw e;
        } catch (RuntimeException e) {
            try {
                p.abortTransaction();
            } catch (RuntimeException abortFailed) {
                closeProducer();
            }
            throw e;
        }
    }

    private KafkaProducer<String, SpecificRecord> producer() {
        if (closed) {
            throw stopping(); // work queued before the close
        }
        if (producer == null) {
            Properties p = settings.get();
            KafkaProducer<String, SpecificRecord> made = new KafkaProducer<>(p);
            try {
                made.initTransactions();
            } catch (RuntimeException e) {
                made.close(Duration.ZERO); // the next write tries again with a new one
                throw e;
            }
            producer = made;
            if (registry != null) {
                producerMetrics = new KafkaClientMetrics(producer);
                producerMetrics.bindTo(registry);
            }
            LOG.infof("Kafka transactions of the %s use transactional id %s", name, p.getProperty("transactional.id"));
        }
        return producer;
    }

    private void closeProducer() {
        if (producerMetrics != null) {
            producerMetrics.close(); // a replacement producer binds its own
            producerMetrics = null;
        }
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException ignored) {
                // already broken: nothing more to release
            }
            producer = null;
        }
    }

    /**
     * Closes the producer once the write in progress, if any, has ended, waiting up to 10 s for it.
     * A write still blocked then (a broker that is away) has its transaction aborted by closing the
     * producer under it: left open, it would hold back every read_committed consumer of its
     * partitions until the broker's transaction timeout, since no later instance has this
     * transactional id to fence it.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        thread.submit(this::closeProducer);
        thread.shutdown();
        try {
            if (thread.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        KafkaProducer<String, SpecificRecord> stuck = producer;
        if (stuck != null) {
            LOG.warnf("The last Kafka transaction of the %s did not end within 10 s of stopping; it is aborted", name);
            try {
                stuck.close(Duration.ofSeconds(5)); // thread-safe; aborts the transaction in progress
            } catch (RuntimeException ignored) {
                // stopping anyway
            }
        }
    }
}
