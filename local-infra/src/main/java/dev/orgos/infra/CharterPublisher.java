package dev.orgos.infra;

import dev.orgos.governance.charter.Charter;
import dev.orgos.governance.charter.CharterException;
import dev.orgos.governance.charter.CharterParser;
import dev.orgos.schema.AccountabilityFact;
import dev.orgos.schema.AnchorRef;
import dev.orgos.schema.CharterPublished;
import dev.orgos.schema.FactType;
import dev.orgos.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Puts a charter version in force, in one Kafka transaction: the {@link CharterPublished}
 * record, an activation marker in every partition of the actions topic (so every router
 * switches at the same point of its input), and a CHARTER_ACTIVATED ledger fact.
 */
public final class CharterPublisher {

    public record Result(Charter charter, boolean alreadyInForce, int partitionsMarked) {
    }

    /** A charter that may not be published, with why. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    private CharterPublisher() {
    }

    /**
     * @param registryApiUrl e.g. http://127.0.0.1:8081/apis/registry/v3
     * @throws CharterException the charter is invalid
     * @throws Refused its version is not newer than the one in force, or is taken by another document
     */
    public static Result publish(String bootstrap, String registryApiUrl, String source, String yaml, String publishedBy)
            throws CharterException, Refused {
        Charter charter = CharterParser.parse(source, yaml);
        Map<Long, String> published = publishedVersions(bootstrap, registryApiUrl, charter.id());
        String sameVersion = published.get(charter.version());
        if (sameVersion != null) {
            if (sameVersion.equals(charter.digest())) {
                return new Result(charter, true, 0);
            }
            throw new Refused("version " + charter.version() + " of charter '" + charter.id()
                    + "' is already published with another content (" + sameVersion + "); raise 'version'");
        }
        long newest = published.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
        if (charter.version() < newest) {
            throw new Refused("version " + charter.version() + " of charter '" + charter.id()
                    + "' is not newer than the version in force (" + newest + ")");
        }
        Properties p = dev.orgos.schema.Clients.writer(bootstrap, registryApiUrl);
        p.put("transactional.id", "orgos-charter-publisher-" + UUID.randomUUID());
        String key = charter.id() + ":" + charter.version();
        Instant now = Instant.now();
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(Topics.CHARTERS.topic(), key, CharterPublished.newBuilder()
                    .setEventId(UUID.randomUUID().toString()).setOccurredAt(now).setCharterId(charter.id())
                    .setVersion(charter.version()).setDigest(charter.digest()).setPublishedBy(publishedBy).setDocument(yaml).build()));
            List<PartitionInfo> partitions = producer.partitionsFor(Topics.ACTIONS.topic());
            for (PartitionInfo info : partitions) {
                producer.send(new ProducerRecord<>(Topics.ACTIONS.topic(), info.partition(), "charter-activation", null,
                        List.of(new RecordHeader(Topics.CHARTER_ACTIVATION_HEADER, key.getBytes(StandardCharsets.UTF_8)))));
            }
            producer.send(new ProducerRecord<>(Topics.FACTS.topic(), key, AccountabilityFact.newBuilder()
                    .setEventId(UUID.randomUUID().toString()).setActionId(null).setAgentId(null).setOccurredAt(now)
                    .setFactType(FactType.CHARTER_ACTIVATED).setSource("orgos charter publish")
                    .setAnchor(AnchorRef.newBuilder().setRole(charter.defaultAnchor()).setPerson(publishedBy).build())
                    .setCharterVersion(charter.version()).setCharterDigest(charter.digest())
                    .setSummary("Charter '" + charter.id() + "' version " + charter.version() + " put in force by " + publishedBy
                            + " (" + charter.pathways().size() + " pathways, " + charter.anchors().size() + " anchors)")
                    .setDetails(Map.of("charterKey", key, "publishedBy", publishedBy)).build()));
            producer.commitTransaction();
            return new Result(charter, false, partitions.size());
        }
    }

    /** Version to digest, for every version of the charter on the topic. */
    public static Map<Long, String> publishedVersions(String bootstrap, String registryApiUrl, String charterId) {
        Properties p = dev.orgos.schema.Clients.reader(bootstrap, registryApiUrl);
        Map<Long, String> versions = new HashMap<>();
        try (KafkaConsumer<String, CharterPublished> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = c.partitionsFor(Topics.CHARTERS.topic(), Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, CharterPublished> r : c.poll(Duration.ofMillis(500))) {
                    if (r.value() != null && r.value().getCharterId().equals(charterId)) {
                        versions.put(r.value().getVersion(), r.value().getDigest());
                    }
                }
            }
        }
        return versions;
    }
}
