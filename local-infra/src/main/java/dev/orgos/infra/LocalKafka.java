package dev.orgos.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft broker (broker and controller in one process) as a child JVM, bound
 * to 127.0.0.1, with every internal topic at one replica so transactions work. The broker
 * port opens only once the broker is ready, so a TCP connect is the readiness check.
 */
final class LocalKafka implements AutoCloseable {
    private final Process process;
    private final String bootstrap;

    private LocalKafka(Process process, String bootstrap) {
        this.process = process;
        this.bootstrap = bootstrap;
    }

    static LocalKafka start(Path workDir) {
        int port = Ports.free();
        int controllerPort = Ports.free();
        try {
            Path dir = Files.createDirectories(workDir.resolve("kafka"));
            Path data = dir.resolve("data");
            deleteRecursively(data);
            Path logs = Files.createDirectories(workDir.resolve("logs"));
            Path config = dir.resolve("server.properties");
            Files.writeString(config, String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                    "log.dirs=" + data.toAbsolutePath(),
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=6",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "transaction.state.log.num.partitions=6",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "num.partitions=1",
                    "auto.create.topics.enable=false",
                    ""));
            Path log4j = dir.resolve("log4j2.properties");
            Files.writeString(log4j, String.join("\n",
                    "rootLogger.level=WARN",
                    "rootLogger.appenderRef.file.ref=file",
                    "appender.file.type=File",
                    "appender.file.name=file",
                    "appender.file.fileName=" + logs.resolve("kafka.log").toAbsolutePath(),
                    "appender.file.layout.type=PatternLayout",
                    "appender.file.layout.pattern=%d %p [%c] %m%n",
                    "logger.kafka.name=kafka",
                    "logger.kafka.level=INFO",
                    // who joined or left a consumer group, and why it rebalanced: what an operator
                    // needs when a consumer stops receiving partitions
                    "logger.groups.name=org.apache.kafka.coordinator.group",
                    "logger.groups.level=INFO",
                    ""));
            List<String> jvm = List.of(java(), "-Xmx512m", "--enable-native-access=ALL-UNNAMED",
                    "-Dlog4j2.configurationFile=" + log4j.toAbsolutePath(), "-cp", classpath());
            run(concat(brokerJvm(jvm, ""), "kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                    "-c", config.toAbsolutePath().toString()), logs.resolve("kafka-format.log"));
            Process p = new ProcessBuilder(concat(brokerJvm(jvm, System.getProperty("orgos.jvm-args.kafka", "")),
                    "kafka.Kafka", config.toAbsolutePath().toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(logs.resolve("kafka-stdout.log").toFile())
                    .start();
            OrphanGuard.guard(p.toHandle());
            LocalKafka kafka = new LocalKafka(p, "127.0.0.1:" + port);
            try {
                Ports.await("Kafka broker (log: " + logs.resolve("kafka.log") + ")", Duration.ofSeconds(90), () -> {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("Kafka exited with " + p.exitValue() + "; see " + logs);
                    }
                    return Ports.listening("127.0.0.1", port);
                });
            } catch (RuntimeException e) {
                kafka.close();
                throw e;
            }
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Kafka", e);
        }
    }

    /**
     * The broker's JVM with extra arguments, for measuring (as the services take theirs from
     * {@code orgos.jvm-args.<module>}): e.g. {@code -Dorgos.jvm-args.kafka=-Xlog:gc:file=kafka-gc.log}.
     */
    static List<String> brokerJvm(List<String> jvm, String extra) {
        List<String> args = new java.util.ArrayList<>(jvm);
        args.addAll(Processes.jvmOptions(extra));
        return args;
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static String classpath() throws IOException {
        try (InputStream in = LocalKafka.class.getResourceAsStream("/orgos-kafka-classpath.txt")) {
            if (in == null) {
                throw new IllegalStateException("orgos-kafka-classpath.txt is missing: build the local-infra module");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    private static void run(List<String> command, Path log) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("formatting Kafka storage failed; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    String bootstrap() {
        return bootstrap;
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
