package dev.orgos.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Where the mesh's Kafka and registry are: the options, else ORGOS_KAFKA_BOOTSTRAP and
 * ORGOS_REGISTRY_URL, else the ones a running ./orgos up wrote down.
 */
public final class MeshAddress {

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--registry", paramLabel = "URL", description = "Apicurio Registry base URL, e.g. http://127.0.0.1:8081")
    String registry;

    static final String UP_FILE = ".orgos/up/endpoints.properties";

    public String bootstrap() {
        return first(bootstrap, System.getenv("ORGOS_KAFKA_BOOTSTRAP"), fromUp("kafka.bootstrap"), "--bootstrap");
    }

    /** The URL the Apicurio serde wants (…/apis/registry/v3). */
    public String registryApi() {
        String base = first(registry, System.getenv("ORGOS_REGISTRY_URL"), fromUp("registry.url"), "--registry");
        return base.endsWith("/apis/registry/v3") ? base : base.replaceAll("/+$", "") + "/apis/registry/v3";
    }

    /**
     * Reads every committed record of a topic, from the beginning to its end as it was when the
     * read began, in partition order, handing each value (with its record time) to the sink.
     */
    public <V> void readAll(String topic, java.util.function.BiConsumer<V, java.time.Instant> sink) {
        readSince(topic, null, sink);
    }

    /**
     * As {@link #readAll}, from the first record of each partition timed at or after {@code since}
     * (all of it when null): the broker finds the offset from its time index, so the records before
     * are not read at all.
     */
    @SuppressWarnings("unchecked")
    public <V> void readSince(String topic, java.time.Instant since, java.util.function.BiConsumer<V, java.time.Instant> sink) {
        Properties p = dev.orgos.schema.Clients.reader(bootstrap(), registryApi());
        p.put("max.poll.records", "5000");
        p.put("fetch.max.bytes", "52428800");
        try (var c = new org.apache.kafka.clients.consumer.KafkaConsumer<String, Object>(p)) {
            var tps = c.partitionsFor(topic, java.time.Duration.ofSeconds(30)).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(i.topic(), i.partition())).toList();
            c.assign(tps);
            var end = c.endOffsets(tps);
            if (since == null) {
                c.seekToBeginning(tps);
            } else {
                var found = c.offsetsForTimes(tps.stream().collect(java.util.stream.Collectors.toMap(tp -> tp, tp -> since.toEpochMilli())));
                // no record that late in a partition: nothing of it to read
                tps.forEach(tp -> c.seek(tp, found.get(tp) == null ? end.get(tp) : found.get(tp).offset()));
            }
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (var r : c.poll(java.time.Duration.ofMillis(500))) {
                    if (r.value() != null) {
                        sink.accept((V) r.value(), java.time.Instant.ofEpochMilli(r.timestamp()));
                    }
                }
            }
        }
    }

    private static String first(String a, String b, String c, String option) {
        for (String v : new String[] {a, b, c}) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        throw new UsageException("no mesh to talk to: give " + option + ", set the ORGOS_* variables, or start ./orgos up");
    }

    private static String fromUp(String key) {
        Path file = Orgos.home().resolve(UP_FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file)) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty(key);
        } catch (IOException e) {
            return null;
        }
    }

    /** A command used wrongly: exit code 2. */
    public static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
