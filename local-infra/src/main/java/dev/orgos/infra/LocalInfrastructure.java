package dev.orgos.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Kafka, Apicurio Registry and PostgreSQL for tests and for {@code ./orgos demo}: each one is
 * reused when configured (environment variable or system property) and started here otherwise.
 * Only what was started here is stopped by {@link #close()}.
 *
 * <ul>
 *   <li>{@code ORGOS_KAFKA_BOOTSTRAP}, e.g. 127.0.0.1:9092</li>
 *   <li>{@code ORGOS_REGISTRY_URL}, e.g. http://127.0.0.1:8081</li>
 *   <li>{@code ORGOS_PG_HOST_PORT}, e.g. 127.0.0.1:5432, with {@code ORGOS_PG_USER} and
 *       {@code ORGOS_PG_PASSWORD} (default postgres/postgres)</li>
 * </ul>
 */
public final class LocalInfrastructure implements AutoCloseable {

    private final Endpoints endpoints;
    private final List<AutoCloseable> started;

    private LocalInfrastructure(Endpoints endpoints, List<AutoCloseable> started) {
        this.endpoints = endpoints;
        this.started = started;
    }

    /**
     * Starts (or reuses) all three in parallel, creates the topics, registers the schemas and
     * creates the given databases.
     *
     * @param workDir where logs and data of started servers go
     * @param progress receives one line per step, in words an operator understands
     */
    public static LocalInfrastructure start(Path workDir, Consumer<String> progress, String... databases) {
        try {
            Files.createDirectories(workDir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<AutoCloseable> started = java.util.Collections.synchronizedList(new ArrayList<>());
        String kafkaSetting = setting("ORGOS_KAFKA_BOOTSTRAP");
        String registrySetting = setting("ORGOS_REGISTRY_URL");
        String pgSetting = setting("ORGOS_PG_HOST_PORT");

        var kafka = async(() -> {
            if (kafkaSetting != null) {
                progress.accept("Using the Kafka broker at " + kafkaSetting);
                return kafkaSetting;
            }
            LocalKafka k = LocalKafka.start(workDir);
            started.add(k);
            progress.accept("Kafka broker (KRaft, single node) listening on " + k.bootstrap());
            return k.bootstrap();
        });
        var registry = async(() -> {
            if (registrySetting != null) {
                progress.accept("Using the Apicurio Registry at " + registrySetting);
                return registrySetting;
            }
            LocalRegistry r = LocalRegistry.start(workDir.resolve("logs"));
            started.add(r);
            progress.accept("Apicurio Registry listening on " + r.url());
            return r.url();
        });
        var postgres = async(() -> {
            if (pgSetting != null) {
                progress.accept("Using PostgreSQL at " + pgSetting);
                return pgSetting;
            }
            LocalPostgres p = LocalPostgres.start(workDir.resolve("postgres"));
            started.add(p);
            progress.accept("PostgreSQL listening on 127.0.0.1:" + p.port());
            return "127.0.0.1:" + p.port();
        });
        LocalInfrastructure infra = null;
        try {
            CompletableFuture.allOf(kafka, registry, postgres).join();
            String[] pg = postgres.join().split(":");
            Endpoints endpoints = new Endpoints(kafka.join(), registry.join(), pg[0], Integer.parseInt(pg[1]),
                    orDefault(setting("ORGOS_PG_USER"), "postgres"), orDefault(setting("ORGOS_PG_PASSWORD"), "postgres"));
            infra = new LocalInfrastructure(endpoints, started);
            MeshBootstrap.createTopics(endpoints.kafkaBootstrap(), progress);
            MeshBootstrap.registerSchemas(endpoints.registryUrl(), progress);
            MeshBootstrap.createDatabases(endpoints, progress, databases);
            return infra;
        } catch (RuntimeException e) {
            CompletableFuture.allOf(kafka, registry, postgres).exceptionally(t -> null).join();
            new LocalInfrastructure(null, started).close();
            throw e instanceof java.util.concurrent.CompletionException && e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    /** Stops what this instance started, last started first; reused servers are left alone. */
    @Override
    public void close() {
        List<AutoCloseable> toStop = new ArrayList<>(started);
        java.util.Collections.reverse(toStop);
        for (AutoCloseable c : toStop) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("orgos: could not stop " + c.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        started.clear();
    }

    private static <T> CompletableFuture<T> async(Supplier<T> s) {
        return CompletableFuture.supplyAsync(s);
    }

    static String setting(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            v = System.getenv(name);
        }
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static String orDefault(String v, String d) {
        return v == null ? d : v;
    }
}
