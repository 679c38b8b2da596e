package dev.orgos.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * The real Apicurio Registry 3 server, unpacked by the build from Maven Central and run as a
 * child JVM on 127.0.0.1 (both its HTTP and management ports: otherwise it binds all
 * interfaces). In-memory storage: the mesh registers its schemas at every start.
 */
final class LocalRegistry implements AutoCloseable {
    private final Process process;
    private final String url;

    private LocalRegistry(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    static LocalRegistry start(Path logDir) {
        Path home = home();
        Path jar = home.resolve("quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Apicurio Registry is not unpacked at " + home
                    + ": build the local-infra module first (./mvnw -pl local-infra install)");
        }
        int port = Ports.free();
        String java = LocalKafka.java();
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve("apicurio-registry.log");
            Process p = new ProcessBuilder(List.of(java, "-Xmx512m", "-XX:+UseSerialGC",
                    "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                    "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + Ports.free(),
                    "-Dquarkus.log.level=WARN", "-Dquarkus.banner.enabled=false",
                    "-jar", jar.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            OrphanGuard.guard(p.toHandle());
            String url = "http://127.0.0.1:" + port;
            LocalRegistry registry = new LocalRegistry(p, url);
            try {
                Ports.await("Apicurio Registry (log: " + log + ")", Duration.ofSeconds(120),
                        () -> { ensureAlive(p, log); return answers(url + "/apis/registry/v3/system/info"); });
            } catch (RuntimeException e) {
                registry.close();
                throw e;
            }
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Apicurio Registry", e);
        }
    }

    private static void ensureAlive(Process p, Path log) {
        if (!p.isAlive()) {
            throw new IllegalStateException("Apicurio Registry exited with " + p.exitValue() + "; see " + log);
        }
    }

    static boolean answers(String url) {
        try {
            HttpResponse<Void> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path home() {
        try (InputStream in = LocalRegistry.class.getResourceAsStream("/orgos-local-infra.properties")) {
            Properties p = new Properties();
            p.load(in);
            return Path.of(p.getProperty("apicurio.home"));
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("orgos-local-infra.properties is missing from the classpath", e);
        }
    }

    String url() {
        return url;
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
