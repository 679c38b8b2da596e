package dev.orgos.service.charter;

import dev.orgos.governance.charter.Charter;
import dev.orgos.governance.charter.CharterException;
import dev.orgos.governance.charter.CharterParser;
import dev.orgos.schema.CharterPublished;
import dev.orgos.schema.Topics;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Every charter version ever published, read from the compacted charters topic by a background
 * thread, parsed and validated once. Services ask for a version by key (charterId:version), or
 * for the latest.
 */
public final class CharterLibrary implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CharterLibrary.class);

    private final Map<String, Charter> byKey = new ConcurrentHashMap<>();
    private final Map<String, Publication> publications = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Charter>> waiting = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final KafkaConsumer<String, CharterPublished> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    public CharterLibrary(String bootstrap, String registryUrl) {
        Properties p = dev.orgos.schema.Clients.reader(bootstrap, registryUrl);
        consumer = new KafkaConsumer<>(p);
        thread = new Thread(this::run, "orgos-charter-library");
        thread.setDaemon(true);
        thread.start();
    }

    /** A valid charter version as it was published: by whom, when, and the document as reviewed. */
    public record Publication(Charter charter, String publishedBy, java.time.Instant publishedAt, String document) {
    }

    public static String key(String charterId, long version) {
        return charterId + ":" + version;
    }

    /**
     * Reads the topic for as long as the service runs. A failure (the broker or the registry not up
     * yet at start, a timeout) is logged and tried again after a growing pause: the thread used to
     * end at the first one, and with it every charter version published after, silently.
     */
    private void run() {
        Map<TopicPartition, Long> end = null;
        Duration pause = FIRST_PAUSE;
        try {
            while (running) {
                try {
                    if (end == null) {
                        List<TopicPartition> partitions = consumer.partitionsFor(Topics.CHARTERS.topic(), Duration.ofSeconds(30)).stream()
                                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
                        consumer.assign(partitions);
                        consumer.seekToBeginning(partitions);
                        end = consumer.endOffsets(partitions);
                    }
                    for (ConsumerRecord<String, CharterPublished> r : consumer.poll(Duration.ofMillis(500))) {
                        if (r.value() != null) {
                            add(r.value());
                        }
                    }
                    if (caughtUp.getCount() > 0 && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                        caughtUp.countDown();
                        LOG.infof("Charters known: %s", byKey.keySet());
                    }
                    if (!pause.equals(FIRST_PAUSE)) {
                        LOG.infof("Reading the charters topic again");
                        pause = FIRST_PAUSE;
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    LOG.warnf("Reading the charters topic failed (%s); trying again in %d s. Until then no new charter version is "
                            + "seen, and actions under one not read yet escalate", e, pause.toSeconds());
                    Thread.sleep(pause.toMillis());
                    pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);

    private void add(CharterPublished published) {
        String key = key(published.getCharterId(), published.getVersion());
        try {
            Charter c = CharterParser.parse(key, published.getDocument());
            if (!c.digest().equals(published.getDigest())) {
                LOG.errorf("Charter %s is ignored: its document digests to %s, not the published %s", key, c.digest(), published.getDigest());
                return;
            }
            byKey.put(key, c);
            publications.put(key, new Publication(c, published.getPublishedBy(), published.getOccurredAt(), published.getDocument()));
            CompletableFuture<Charter> f = waiting.remove(key);
            if (f != null) {
                f.complete(c);
            }
            LOG.infof("Charter %s (%s) published by %s is known", key, c.digest(), published.getPublishedBy());
        } catch (CharterException e) {
            LOG.errorf("Charter %s is ignored: it is invalid:%n%s", key, e.getMessage());
        }
    }

    /** Waits (bounded) until the library has read the whole topic as it was at start. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Optional<Charter> get(String key) {
        return Optional.ofNullable(byKey.get(key));
    }

    /** Completes when the version is known: a marker can arrive a moment before its charter is read. */
    public CompletableFuture<Charter> await(String key) {
        Charter known = byKey.get(key);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        CompletableFuture<Charter> f = waiting.computeIfAbsent(key, k -> new CompletableFuture<>());
        Charter raced = byKey.get(key);
        if (raced != null) {
            f.complete(raced);
        }
        return f;
    }

    /** Every valid version published, by charter id then version. */
    public List<Publication> publications() {
        return publications.values().stream().sorted(Comparator.comparing((Publication p) -> p.charter().id())
                .thenComparingLong(p -> p.charter().version())).toList();
    }

    /** The highest version of the given charter id (or of any charter when null). */
    public Optional<Charter> latest(String charterId) {
        return byKey.values().stream().filter(c -> charterId == null || c.id().equals(charterId))
                .max(Comparator.comparingLong(Charter::version));
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        thread.interrupt(); // when it waits to try again
    }
}
