package dev.orgos.cli.mesh;

import dev.orgos.infra.DevTokens;
import dev.orgos.infra.Endpoints;
import dev.orgos.infra.LocalInfrastructure;
import dev.orgos.infra.Ports;
import dev.orgos.infra.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The whole mesh on one machine, as in production: Kafka, Apicurio Registry and PostgreSQL,
 * then the four services as packaged applications, each in its own JVM. Everything listens on
 * 127.0.0.1. {@link #close()} stops all of it, services first.
 */
public final class Mesh implements AutoCloseable {

    private final Path home;
    private final Path workDir;
    private final LocalInfrastructure infra;
    private final Map<Service, Process> processes = new EnumMap<>(Service.class);
    private final Map<Service, Integer> ports = new EnumMap<>(Service.class);
    private SpanSink spans;
    private final List<Process> extras = new ArrayList<>();
    private Map<String, String> serviceConfig = Map.of();

    /**
     * Stops everything when the JVM ends without {@link #close} (Ctrl-C or SIGTERM on a benchmark): a
     * killed benchmark left Kafka, the registry, PostgreSQL and the services running, and the next
     * run measured a machine they still shared.
     */
    private final Thread stopOnExit = new Thread(this::close, "orgos-mesh-stop");
    private boolean closed;

    private Mesh(Path home, Path workDir, LocalInfrastructure infra) {
        this.home = home;
        this.workDir = workDir;
        this.infra = infra;
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /**
     * @param home the repository root (where the modules and charters/ are)
     * @param preferDefaultPorts use 8080, 8082-8084 when free (for people); otherwise any free port
     * @param extraConfig more -D settings for every service
     */
    public static Mesh start(Path home, Path workDir, boolean preferDefaultPorts, Map<String, String> extraConfig,
                             Consumer<String> progress) {
        return start(home, workDir, preferDefaultPorts, extraConfig, progress, java.util.EnumSet.allOf(Service.class));
    }

    /** As above, starting only some services (benchmarks start the others themselves, or not at all). */
    public static Mesh start(Path home, Path workDir, boolean preferDefaultPorts, Map<String, String> extraConfig,
                             Consumer<String> progress, java.util.Set<Service> services) {
        for (Service s : services) {
            Path jar = jar(home, s);
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(s.module + " is not built (" + jar + " is missing): run ./mvnw -DskipTests install");
            }
        }
        progress.accept("Starting Kafka, Apicurio Registry and PostgreSQL (real servers, on 127.0.0.1)...");
        LocalInfrastructure infra = LocalInfrastructure.start(workDir, line -> progress.accept("  " + line),
                "orgos_gateway", "orgos_escalation", "orgos_ledger");
        Mesh mesh = new Mesh(home, workDir, infra);
        try {
            mesh.publishCharter(home.resolve("charters/example.yaml"), "orgos-demo", progress);
            Path publicKey = DevTokens.writePublicKey(workDir.resolve("keys"));
            mesh.writeConsoleSignIns(home.resolve("charters/example.yaml"));
            Map<String, String> config = new java.util.LinkedHashMap<>(tracing(mesh, progress));
            config.putAll(extraConfig);
            mesh.serviceConfig = config;
            if (!services.isEmpty()) {
                progress.accept(services.size() == Service.values().length ? "Starting the four services and the console, each in its own JVM..."
                        : "Starting " + services.stream().map(x -> x.module).toList() + "...");
            }
            for (Service s : Service.values()) {
                int port = preferDefaultPorts && Ports.isFree(s.defaultPort) ? s.defaultPort : Ports.free();
                mesh.ports.put(s, port);
                if (services.contains(s)) {
                    mesh.processes.put(s, mesh.launch(s, s.module, port, publicKey, config));
                }
            }
            for (Service s : services) {
                mesh.awaitReady(s, Duration.ofSeconds(120));
                progress.accept("  " + s.module + " is ready on " + mesh.url(s));
            }
            return mesh;
        } catch (RuntimeException e) {
            mesh.close();
            throw e;
        }
    }

    /**
     * Spans go to the collector named by OTEL_EXPORTER_OTLP_ENDPOINT, or else to a local receiver
     * here, so tracing is on (and trace context travels in Kafka headers) without a collector.
     */
    private static Map<String, String> tracing(Mesh mesh, Consumer<String> progress) {
        String endpoint = System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (endpoint == null || endpoint.isBlank()) {
            mesh.spans = SpanSink.start();
            endpoint = mesh.spans.endpoint();
            progress.accept("  Spans are received locally at " + endpoint + " (set OTEL_EXPORTER_OTLP_ENDPOINT for a real collector)");
        } else {
            progress.accept("  Spans go to the OpenTelemetry collector at " + endpoint);
        }
        return Map.of("quarkus.otel.exporter.otlp.traces.endpoint", endpoint,
                "quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf",
                "quarkus.otel.bsp.schedule.delay", "1s");
    }

    /** Span exports per service, when spans are received locally. */
    public Map<String, Long> spanExports() {
        return spans == null ? Map.of() : spans.exports();
    }

    /** Puts a charter in force (once; publishing the same version again changes nothing). */
    public void publishCharter(Path file, String publishedBy, Consumer<String> progress) {
        Endpoints e = infra.endpoints();
        try {
            dev.orgos.infra.CharterPublisher.Result r;
            try {
                r = dev.orgos.infra.CharterPublisher.publish(e.kafkaBootstrap(), e.registryApiUrl(), file.toString(),
                        Files.readString(file), publishedBy);
            } catch (RuntimeException timedOut) {
                if (!registryTimedOut(timedOut)) {
                    throw timedOut;
                }
                // Once in CI (2026-11-28) the registry logged its answer to the first lookup of a fresh
                // mesh, and the client's retries never reached it: that client was stuck, not the
                // registry. Nothing was committed (the transaction is aborted as its producer closes),
                // and a publisher of its own has a registry client of its own.
                progress.accept("  The schema registry did not answer the charter's lookup (" + timedOut.getMessage()
                        + "); trying once more with a new client");
                r = dev.orgos.infra.CharterPublisher.publish(e.kafkaBootstrap(), e.registryApiUrl(), file.toString(),
                        Files.readString(file), publishedBy);
            }
            progress.accept("  Charter '" + r.charter().id() + "' version " + r.charter().version() + " (" + r.charter().digest()
                    + ") " + (r.alreadyInForce() ? "is already in force" : "put in force on " + r.partitionsMarked() + " action partitions"));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (Exception ex) {
            throw new IllegalStateException("the charter " + file + " cannot be put in force: " + ex.getMessage(), ex);
        }
    }

    private static boolean registryTimedOut(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof dev.orgos.schema.TimeBoundSchemaResolver.RegistryTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private Process launch(Service s, String instance, int port, Path publicKey, Map<String, String> extraConfig) {
        return launch(s, instance, port, publicKey, extraConfig, false);
    }

    /** @param append whether the instance's log goes on (a restart: what came before it is what explains it) */
    private Process launch(Service s, String instance, int port, Path publicKey, Map<String, String> extraConfig, boolean append) {
        Endpoints e = infra.endpoints();
        // for measuring: e.g. -Dorgos.jvm-args.execution-gateway=-XX:StartFlightRecording=filename=gw.jfr
        String jvmArgs = System.getProperty("orgos.jvm-args." + s.module, "");
        List<String> cmd = new ArrayList<>(List.of(java()));
        cmd.addAll(s.heap);
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(Processes.jvmOptions(jvmArgs));
        Map<String, String> config = new java.util.LinkedHashMap<>();
        if (s == Service.CONSOLE) {
            config.put("orgos.console.escalation-url", url(Service.ESCALATION_SERVICE));
            config.put("orgos.console.ledger-url", url(Service.ACCOUNTABILITY_LEDGER));
            config.put("orgos.console.dev-sign-ins", consoleSignIns().toAbsolutePath().toString());
            config.put("orgos.console.replay-report", replayReport().toAbsolutePath().toString());
            // the console's own settings among the extra ones (sign-in through an identity provider)
            extraConfig.forEach((k, v) -> {
                if (k.startsWith("quarkus.oidc.") || k.startsWith("orgos.console.")) {
                    config.put(k, v);
                }
            });
        } else {
            config.putAll(e.quarkusConfig(s.database));
            config.put("mp.jwt.verify.publickey.location", publicKey.toAbsolutePath().toString());
            config.putAll(extraConfig);
        }
        config.put("quarkus.http.host", "127.0.0.1");
        config.put("quarkus.http.port", Integer.toString(port));
        config.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar(home, s).toString());
        try {
            Files.createDirectories(workDir.resolve("logs"));
            Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(append
                    ? ProcessBuilder.Redirect.appendTo(logFile(instance).toFile()) : ProcessBuilder.Redirect.to(logFile(instance).toFile())).start();
            dev.orgos.infra.OrphanGuard.guard(process.toHandle());
            return process;
        } catch (IOException ex) {
            throw new UncheckedIOException("could not start " + s.module, ex);
        }
    }

    private void awaitReady(Service s, Duration timeout) {
        awaitReady(s.module, process(s), url(s), log(s), timeout);
    }

    /** Waits until the instance says it is ready (Kafka, registry and database reachable), or fails naming its log. */
    private static void awaitReady(String name, Process p, String url, Path log, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        HttpClient http = HttpClient.newHttpClient();
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " stopped with exit code " + p.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException ignored) {
                // not listening yet
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ie);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s; see " + log);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ie);
            }
        }
    }

    public String url(Service s) {
        return "http://127.0.0.1:" + ports.get(s);
    }

    public Path log(Service s) {
        return logFile(s.module);
    }

    private Path logFile(String instance) {
        return workDir.resolve("logs").resolve(instance + ".log");
    }

    /**
     * The console's development sign-ins: the people of the charter's anchors with their roles, an
     * auditor, an admin and someone with no role, each with a development token minted here.
     */
    public Path consoleSignIns() {
        return workDir.resolve("console-sign-ins.properties");
    }

    /** Where this mesh's console looks for the latest charter replay report (./orgos charter replay writes it there). */
    public Path replayReport() {
        return workDir.resolve("replay-report.json");
    }

    /** The people the console offers for development sign-in, name to roles, in the order it lists them. */
    public Map<String, List<String>> consolePeople() {
        return devPeople;
    }

    private Map<String, List<String>> devPeople = Map.of();

    private void writeConsoleSignIns(Path charterFile) {
        Map<String, List<String>> people = new java.util.LinkedHashMap<>();
        try {
            var charter = dev.orgos.governance.charter.CharterParser.parse(charterFile.toString(), Files.readString(charterFile));
            charter.anchors().values().stream().sorted(java.util.Comparator.comparing(dev.orgos.governance.charter.Anchor::id))
                    .forEach(a -> a.members().forEach(m -> people.computeIfAbsent(m, k -> new ArrayList<>()).add(a.id())));
        } catch (IOException | dev.orgos.governance.charter.CharterException | RuntimeException ex) {
            // no charter people: the console still offers the auditor and the others below
        }
        // added to whatever anchors they hold in the charter (erin is also on the pricing rota)
        people.computeIfAbsent("ivan", k -> new ArrayList<>()).add("auditor");
        people.computeIfAbsent("erin", k -> new ArrayList<>()).add("orgos-admin");
        people.putIfAbsent("nora", List.of());
        var p = new java.util.Properties();
        p.setProperty("people", String.join(",", people.keySet()));
        people.forEach((name, roles) -> {
            p.setProperty(name + ".roles", roles.isEmpty() ? "no role" : String.join(", ", roles));
            p.setProperty(name + ".token", DevTokens.human(name, roles, Duration.ofHours(12)));
        });
        try (var out = Files.newOutputStream(consoleSignIns())) {
            p.store(out, "development sign-ins for the console, written by the orgos launcher; tokens valid 12 h");
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        devPeople = java.util.Collections.unmodifiableMap(people);
    }

    public Endpoints endpoints() {
        return infra.endpoints();
    }

    public synchronized Process process(Service s) {
        return processes.get(s);
    }

    private volatile Keeper keeper;

    /**
     * Keeps the services running from now on, as an orchestrator would ({@link Keeper}): one that
     * ends, or whose liveness check says DOWN at three checks in a row (5 s apart), is started again. Closed with the mesh.
     */
    public synchronized Keeper keep(Consumer<String> say) {
        if (keeper == null || keeper.closed()) {
            keeper = new Keeper(this, say);
        }
        return keeper;
    }

    /**
     * Stops a service (politely, then not) and starts it again on its port, its log going on; waits
     * until it is ready. False when the mesh is closing.
     */
    boolean replace(Service s) {
        return relaunch(s, serviceConfig);
    }

    /**
     * Stops the service's process if it still runs (outside the lock: that takes up to 30 s, and
     * {@link #process} and {@link #close} must not wait for it), then starts it again on its port, its
     * log going on, and waits until it is ready. If it was started again meanwhile (by the keeper, or
     * by a test), that one is stopped too: the last caller's settings stand. False when the mesh is
     * closing: nothing is started then.
     */
    private boolean relaunch(Service s, Map<String, String> config) {
        Path publicKey = workDir.resolve("keys").resolve("jwt-public.pem");
        while (true) {
            Process old = process(s);
            if (old != null && old.isAlive()) {
                Processes.stop(old);
            } else if (old != null) {
                dev.orgos.infra.OrphanGuard.release(old.toHandle()); // ended by itself: nothing left to watch
            }
            synchronized (this) {
                if (closing) {
                    return false;
                }
                if (processes.get(s) != old) {
                    continue;
                }
                processes.put(s, launch(s, s.module, ports.get(s), publicKey, config, true));
                break;
            }
        }
        awaitReady(s, Duration.ofSeconds(120));
        return true;
    }

    /** Whether {@link #close} has begun: nothing is started any more. */
    boolean closing() {
        return closing;
    }

    private volatile boolean closing;

    /** Kills one service hard (SIGKILL), as a crash would. */
    public void kill(Service s) throws InterruptedException {
        Process p = process(s);
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    /** One more instance of a service, started by {@link #startReplica}; stopped with the mesh unless killed before. */
    public record Replica(Service service, String name, String url, Process process, Path log) {
        /** Kills this instance hard (SIGKILL), as a crash would. */
        public void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Starts one more instance of a service (a replica, as behind a load balancer, or another
     * member of its consumer group), on a port of its own, with a log of its own.
     */
    public Replica startReplica(Service s) {
        int port = Ports.free();
        String name = s.module + "-" + (extras.size() + 2);
        Path publicKey = workDir.resolve("keys").resolve("jwt-public.pem");
        Process p = launch(s, name, port, publicKey, serviceConfig);
        extras.add(p);
        Replica replica = new Replica(s, name, "http://127.0.0.1:" + port, p, logFile(name));
        awaitReady(name, p, replica.url(), replica.log(), Duration.ofSeconds(120));
        return replica;
    }

    /** Starts a service that is not running (killed, or not started), on its port, and waits until it is ready. */
    public void startService(Service s) {
        restart(s);
    }

    /** Starts a killed service again on the same port. */
    public void restart(Service s) {
        restart(s, Map.of());
    }

    /** Starts a killed service again on the same port, with some settings changed for this run. */
    public void restart(Service s, Map<String, String> overrides) {
        Map<String, String> config = new java.util.LinkedHashMap<>(serviceConfig);
        config.putAll(overrides);
        if (!relaunch(s, config)) {
            throw new IllegalStateException("the mesh is closing: " + s.module + " is not started again");
        }
    }

    /** Stops every service and server, once; a second caller waits until they are stopped. */
    @Override
    public void close() {
        closing = true; // before the keeper stops: a restart it has decided on starts nothing now
        Keeper k = keeper;
        if (k != null) {
            k.close(); // first, and outside the lock: it must not start again what is being stopped
        }
        stopAll();
    }

    private synchronized void stopAll() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // called from a shutdown hook (this one or another): the hook is running anyway
        }
        Processes.stopAll(extras);
        extras.clear();
        Processes.stopAll(processes.values());
        processes.clear();
        if (spans != null) {
            spans.close();
        }
        infra.close();
    }

    static Path jar(Path home, Service s) {
        return home.resolve(s.module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
