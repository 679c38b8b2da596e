package dev.orgos.bench;

import dev.orgos.cli.Orgos;
import dev.orgos.cli.mesh.Mesh;
import dev.orgos.cli.mesh.Service;
import dev.orgos.schema.AccountabilityFact;
import dev.orgos.schema.AnchorRef;
import dev.orgos.schema.FactType;
import dev.orgos.schema.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;

/**
 * Sealing throughput of the packaged ledger service (facts in, sealed entries out, exactly once)
 * and replay throughput of ./orgos ledger verify over the result.
 * Usage: java -cp "benchmarks/target/classes:benchmarks/target/lib/*" dev.orgos.bench.LedgerThroughput [N]
 */
public final class LedgerThroughput {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Path home = Path.of(System.getProperty("orgos.home", ".")).toAbsolutePath().normalize();
        try (Mesh mesh = Mesh.start(home, home.resolve(".orgos/bench-ledger"), false, Map.of(), System.out::println,
                EnumSet.noneOf(Service.class))) {
            String bootstrap = mesh.endpoints().kafkaBootstrap();
            Properties p = dev.orgos.schema.Clients.writer(bootstrap, mesh.endpoints().registryApiUrl());
            p.put("linger.ms", "20");
            p.put("batch.size", "262144");
            try (KafkaProducer<String, Object> producer = new KafkaProducer<>(p)) {
                for (int i = 0; i < n; i++) {
                    producer.send(new ProducerRecord<>(Topics.FACTS.topic(), "bench-" + i, AccountabilityFact.newBuilder()
                            .setEventId(UUID.randomUUID().toString()).setActionId("bench-" + i).setAgentId("bench-agent-" + (i % 100))
                            .setOccurredAt(Instant.now()).setFactType(FactType.ACTION_DECIDED).setSource("benchmark")
                            .setAnchor(AnchorRef.newBuilder().setRole("finance-ops").build()).setPathwayId("refunds")
                            .setCharterVersion(1L).setCharterDigest("sha256:bench").setTraceId("0af7651916cd43dd8448eb211c80319c")
                            .setSummary("Action refund.issue by bench-agent may proceed autonomously: within the limits")
                            .setDetails(Map.of("outcome", "AUTONOMOUS", "amount", "10.0")).build()));
                }
            }
            System.out.printf(Locale.ROOT, "wrote %,d facts%n", n);
            mesh.startService(Service.ACCOUNTABILITY_LEDGER);
            Instant ready = Instant.now();
            long total = RoutingThroughput.awaitGroupAtEnd(bootstrap, "orgos-ledger", Topics.FACTS.topic(), Duration.ofMinutes(10));
            double seconds = Duration.between(ready, Instant.now()).toMillis() / 1000.0;
            Instant done = Instant.now();
            System.out.printf(Locale.ROOT, "ledger: %,d facts sealed (exactly once, hash-chained) in %.1f s from ready = %,.0f entries/s%n",
                    total, seconds, total / seconds);
            System.out.printf(Locale.ROOT, "ledger after its first commit (steady state): %,.0f entries/s%n",
                    (total - RoutingThroughput.firstCommitOffset)
                            / (Duration.between(RoutingThroughput.firstCommitAt, done).toMillis() / 1000.0));
            // a backlog comes in the order it occurred: none of it should have needed the database
            System.out.printf(Locale.ROOT, "facts looked up in the database as possible late copies: %s%n",
                    counter(mesh.url(Service.ACCOUNTABILITY_LEDGER), "orgos_ledger_facts_looked_up_total"));
            // the auditor's replay is measured alone: first the service's PostgreSQL copy catches up,
            // or it would share the two cores with the replay
            Instant copyStart = Instant.now();
            long copied = RoutingThroughput.awaitGroupAtEnd(bootstrap, "orgos-ledger-store", Topics.LEDGER.topic(), Duration.ofMinutes(10), 1);
            System.out.printf(Locale.ROOT, "PostgreSQL copy caught up (%,d entries) %.1f s after sealing ended%n", copied,
                    Duration.between(copyStart, Instant.now()).toMillis() / 1000.0);
            Instant verifyStart = Instant.now();
            int exit = new CommandLine(new Orgos()).execute("ledger", "verify", "--bootstrap", bootstrap,
                    "--registry", mesh.endpoints().registryUrl());
            double verifySeconds = Duration.between(verifyStart, Instant.now()).toMillis() / 1000.0;
            System.out.printf(Locale.ROOT, "verify: exit %d, %,d entries in %.1f s including start-up = %,.0f entries/s%n",
                    exit, total, verifySeconds, total / verifySeconds);
        }
    }

    /** A counter's value from a service's Prometheus endpoint, as written there. */
    static String counter(String url, String name) throws Exception {
        return Prometheus.scrape(url).lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1)).findFirst().orElse("(not found)");
    }
}
