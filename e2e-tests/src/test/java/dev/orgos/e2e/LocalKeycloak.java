package dev.orgos.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Keycloak (the server distribution from Maven Central, unpacked by this module's build)
 * in development mode on 127.0.0.1, with the test realm imported: an identity provider for the
 * console's OpenID Connect sign-in. Test-only passwords; nothing here is for production.
 */
final class LocalKeycloak implements AutoCloseable {
    private final Process process;
    private final int port;

    private LocalKeycloak(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static LocalKeycloak start(Path logDir) throws Exception {
        Path home = Path.of(System.getProperty("orgos.keycloak.home", "target/keycloak/keycloak-26.7.3")).toAbsolutePath();
        if (!Files.isRegularFile(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("Keycloak is not unpacked at " + home + ": run the e2e-tests module with Maven (verify)");
        }
        // a fresh H2 database each run; the realm is imported at start
        deleteRecursively(home.resolve("data"));
        Path imports = Files.createDirectories(home.resolve("data/import"));
        try (var realm = LocalKeycloak.class.getResourceAsStream("/keycloak/orgos-realm.json")) {
            Files.copy(realm, imports.resolve("orgos-realm.json"), StandardCopyOption.REPLACE_EXISTING);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(logDir);
        ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("bin/kc.sh").toString(), "start-dev", "--import-realm",
                "--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + freePort(), "--health-enabled=false")
                .redirectErrorStream(true).redirectOutput(logDir.resolve("keycloak.log").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JAVA_OPTS_APPEND", "-Xmx512m");
        LocalKeycloak kc = new LocalKeycloak(pb.start(), port);
        kc.awaitRealm(Duration.ofSeconds(180), logDir.resolve("keycloak.log"));
        return kc;
    }

    String realmUrl() {
        return "http://127.0.0.1:" + port + "/realms/orgos";
    }

    String jwksUrl() {
        return realmUrl() + "/protocol/openid-connect/certs";
    }

    private void awaitRealm(Duration timeout, Path log) {
        HttpClient http = HttpClient.newHttpClient();
        org.awaitility.Awaitility.await("Keycloak's realm at " + realmUrl() + " (log: " + log + ")")
                .atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; see " + log);
                    }
                    try {
                        return http.send(HttpRequest.newBuilder(URI.create(realmUrl() + "/.well-known/openid-configuration")).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                    } catch (IOException notYet) {
                        return false; // not listening yet
                    }
                });
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
