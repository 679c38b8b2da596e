package dev.orgos.cli.deadletters;

import dev.orgos.cli.MeshAddress;
import dev.orgos.cli.Since;
import dev.orgos.schema.Clients;
import dev.orgos.schema.DeadLetter;
import dev.orgos.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Sends the records behind dead letters again, once what refused them is mended (a table the
 * gateway's verdicts could not be written to, a schema missing from the registry): each record is
 * read from its topic at the letter's position and written again, key, value and headers as they
 * were, to the same partition, with a header naming where it came from.
 *
 * <p>Safe to send twice: each of these topics is read by one service, and each is idempotent for
 * a record it has already taken (the router for an action id it decided, within its de-duplication
 * window; the escalation intake for an escalation it opened; the ledger for a fact's event id; the
 * gateway's verdicts are upserts). A record refused for what it is, not for a passing fault, is
 * refused again, and a new letter says so.
 */
@Command(name = "resend", mixinStandardHelpOptions = true,
        description = {"Send again the records behind dead letters, once their cause is mended: each is read from its "
                + "topic at the letter's position and written again as it was (key, value, headers), to the same partition, "
                + "with the header orgos-resent-from. The service that refused it reads it again; a record refused for "
                + "what it is gets a new letter.",
                "Say which letters: --source, --at, or both. Exit codes: 0 every record sent (or, with --dry-run, found), "
                        + "1 some record is no longer on its topic or could not be sent, 2 usage or the dead letters could not be read."})
public final class ResendCommand implements Callable<Integer> {

    /** The header a resent record carries: the topic, partition and offset of the record it copies. */
    public static final String RESENT_FROM = "orgos-resent-from";

    private static final Pattern POSITION = Pattern.compile("(.+)-(\\d+)@(\\d+)");

    @Mixin
    MeshAddress mesh;

    /** Its options belong to the listing: given before {@code resend}, they would be silently ignored. */
    @picocli.CommandLine.ParentCommand
    DeadLettersCommand listing;

    @Option(names = "--since", paramLabel = "WHEN", converter = Since.class, defaultValue = "24h",
            description = "Only letters written since then: a time ago (24h, 7d, 90m, PT12H) or an instant. Default: ${DEFAULT-VALUE}.")
    Instant since;

    @Option(names = "--source", paramLabel = "SERVICE", description = "Only the letters of this service.")
    String source;

    @Option(names = "--at", paramLabel = "TOPIC-PARTITION@OFFSET",
            description = "Only the letter for this record, as `dead-letters` shows it (orgos.verdicts-3@1234); may be repeated.")
    List<String> at = new ArrayList<>();

    @Option(names = "--dry-run", description = "Say what would be sent, and send nothing.")
    boolean dryRun;

    /** A record's place on its topic. */
    record Position(String topic, int partition, long offset) {
        static Position parse(String text) {
            Matcher m = POSITION.matcher(text.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("--at " + text + ": expected TOPIC-PARTITION@OFFSET, as `dead-letters` shows it "
                        + "(orgos.verdicts-3@1234)");
            }
            try {
                return new Position(m.group(1), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--at " + text + ": the partition or offset is out of range");
            }
        }

        static Position of(DeadLetter letter) {
            return new Position(letter.getSourceTopic(), letter.getPartition(), letter.getOffset());
        }

        @Override
        public String toString() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    @Override
    public Integer call() {
        if (listing != null && listing.spec != null && !listing.spec.commandLine().getParseResult().matchedOptions().isEmpty()) {
            throw new IllegalArgumentException("options given before `resend` ("
                    + String.join(", ", listing.spec.commandLine().getParseResult().matchedOptions().stream()
                            .map(picocli.CommandLine.Model.OptionSpec::longestName).toList())
                    + ") belong to the listing; put them after `resend`");
        }
        mesh.bootstrap();
        mesh.registryApi();
        List<Position> wanted = at.stream().map(Position::parse).toList();
        if (source == null && wanted.isEmpty()) {
            throw new IllegalArgumentException("say which letters to send again: --source SERVICE, --at TOPIC-PARTITION@OFFSET, or both");
        }
        if (source != null && java.util.Arrays.stream(dev.orgos.cli.mesh.Service.values()).noneMatch(s -> s.module.equals(source))) {
            throw new IllegalArgumentException("no service is called '" + source + "'; the services are "
                    + java.util.Arrays.stream(dev.orgos.cli.mesh.Service.values()).map(s -> s.module).toList());
        }
        Map<Position, DeadLetter> letters;
        try {
            letters = letters(wanted);
        } catch (RuntimeException e) {
            System.err.println("orgos dead-letters resend: could not read " + Topics.DEAD_LETTERS.topic() + ": " + e.getMessage());
            return 2;
        }
        int missing = 0;
        for (Position p : wanted) {
            if (!letters.containsKey(p)) {
                missing++;
                System.out.printf("%s: no dead letter for this record since %s%s; nothing sent%n", p, since.truncatedTo(ChronoUnit.SECONDS),
                        source == null ? "" : " from " + source);
            }
        }
        if (letters.isEmpty()) {
            System.out.println("No dead letters to send again.");
            return missing == 0 ? 0 : 1;
        }
        int sent = 0;
        int failed = 0;
        Properties settings = Clients.security();
        settings.put("bootstrap.servers", mesh.bootstrap());
        Originals originals;
        KafkaProducer<byte[], byte[]> producer;
        try {
            originals = new Originals(settings);
            producer = dryRun ? null : producer(settings);
        } catch (RuntimeException e) {
            System.err.println("orgos dead-letters resend: could not reach the broker: " + e.getMessage());
            return 2;
        }
        // a record and the copies of it sent earlier (each refused again, each with a letter): sent once
        java.util.Set<String> firstRecords = new java.util.HashSet<>();
        try (originals; producer) {
            for (Map.Entry<Position, DeadLetter> e : letters.entrySet()) {
                Position p = e.getKey();
                String why = DeadLettersCommand.printable(e.getValue().getReason());
                try {
                    Optional<ConsumerRecord<byte[], byte[]>> original = originals.at(p);
                    if (original.isEmpty()) {
                        failed++;
                        System.out.printf("%s: no longer on its topic (past its retention, or never committed); not sent. It was refused: %s%n",
                                p, why);
                        continue;
                    }
                    String first = firstRecord(original.get(), p);
                    if (!firstRecords.add(first)) {
                        System.out.printf("%s: a copy of %s, which this run sends already; not sent twice%n", p, first);
                        continue;
                    }
                    if (dryRun) {
                        sent++;
                        System.out.printf("%s: would be sent again (%d bytes). It was refused: %s%n", p, length(original.get().value()), why);
                        continue;
                    }
                    RecordMetadata copy = producer.send(copyOf(original.get(), p)).get(30, java.util.concurrent.TimeUnit.SECONDS);
                    sent++;
                    System.out.printf("%s: sent again as %s-%d@%d. It was refused: %s%n", p, copy.topic(), copy.partition(), copy.offset(), why);
                } catch (Exception ex) {
                    failed++;
                    Throwable cause = ex instanceof java.util.concurrent.ExecutionException && ex.getCause() != null ? ex.getCause() : ex;
                    System.out.printf("%s: could not be read or sent again (%s)%n", p, cause);
                    if (ex instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        }
        System.out.printf("%d record(s) %s, %d not.%n", sent, dryRun ? "would be sent again" : "sent again", failed + missing);
        return failed + missing == 0 ? 0 : 1;
    }

    /** The letters chosen, one per record (a record refused twice has two letters: it is sent once). */
    private Map<Position, DeadLetter> letters(List<Position> wanted) {
        Map<Position, DeadLetter> letters = new LinkedHashMap<>();
        mesh.<Object>readSince(Topics.DEAD_LETTERS.topic(), since, (value, when) -> {
            if (value instanceof DeadLetter letter && (source == null || source.equals(letter.getSource()))
                    && (wanted.isEmpty() || wanted.contains(Position.of(letter)))) {
                letters.putIfAbsent(Position.of(letter), letter);
            }
        });
        return letters;
    }

    /**
     * A copy of the record, to its partition, saying which record was the first: the one it copies,
     * or, for a copy sent before, the first one that copy named.
     */
    static ProducerRecord<byte[], byte[]> copyOf(ConsumerRecord<byte[], byte[]> original, Position from) {
        ProducerRecord<byte[], byte[]> copy = new ProducerRecord<>(original.topic(), original.partition(), original.key(), original.value());
        original.headers().forEach(h -> {
            if (!h.key().equals(RESENT_FROM)) {
                copy.headers().add(h);
            }
        });
        copy.headers().add(RESENT_FROM, firstRecord(original, from).getBytes(StandardCharsets.UTF_8));
        return copy;
    }

    /** Where the first of a record's copies was: its own position, unless it is a copy itself. */
    static String firstRecord(ConsumerRecord<byte[], byte[]> record, Position at) {
        org.apache.kafka.common.header.Header h = record.headers().lastHeader(RESENT_FROM);
        return h == null ? at.toString() : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static int length(byte[] value) {
        return value == null ? 0 : value.length;
    }

    private static KafkaProducer<byte[], byte[]> producer(Properties settings) {
        Properties p = new Properties();
        p.putAll(settings);
        p.put("acks", "all");
        p.put("client.id", "orgos-dead-letters-resend");
        p.put("max.block.ms", "30000");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Reads single records, as bytes, at their positions. */
    static final class Originals implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;

        Originals(Properties settings) {
            Properties p = new Properties();
            p.putAll(settings);
            p.put("isolation.level", "read_committed"); // what the service read: never a record of an aborted transaction
            p.put("enable.auto.commit", "false");
            p.put("max.poll.records", "1");
            p.put("client.id", "orgos-dead-letters-resend-reader");
            consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        /** The committed record at {@code p}, if the topic still has it. */
        Optional<ConsumerRecord<byte[], byte[]>> at(Position p) {
            TopicPartition tp = new TopicPartition(p.topic(), p.partition());
            consumer.assign(List.of(tp));
            long first = consumer.beginningOffsets(List.of(tp)).get(tp);
            long end = consumer.endOffsets(List.of(tp)).get(tp); // committed records only: the last stable offset
            if (p.offset() < first || p.offset() >= end) {
                return Optional.empty();
            }
            consumer.seek(tp, p.offset());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && consumer.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    // the first record at or after the position: a later one means that offset holds no record
                    // (a transaction's marker, an aborted record, or compacted away)
                    return r.offset() == p.offset() ? Optional.of(r) : Optional.empty();
                }
            }
            return Optional.empty();
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
