package dev.orgos.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml is checked with a real validator (Debian's docker-compose, `config`, which
 * needs no engine) and against the services' own configuration: ports and every setting given
 * to a service must be ones the service reads.
 */
class ComposeFileTest {

    static final Path HOME = Path.of(System.getProperty("orgos.home", "..")).toAbsolutePath().normalize();
    /** The mesh's services: Kafka clients, each with a key store of its own in the secure profile. */
    static final List<String> SERVICES = List.of("execution-gateway", "coordination-router", "escalation-service", "accountability-ledger");
    /** The web console: no Kafka, no database; it calls the escalation service and the ledger over HTTP. */
    static final String CONSOLE = "console";
    /** Settings every Quarkus service reads although they are not in its application.properties. */
    static final Set<String> QUARKUS_KEYS = Set.of("quarkus.http.port", "quarkus.http.host", "quarkus.datasource.username",
            "quarkus.datasource.password", "quarkus.datasource.reactive.url", "quarkus.datasource.jdbc.url",
            "mp.jwt.verify.publickey.location", "mp.jwt.verify.issuer", "kafka.bootstrap.servers",
            "mp.messaging.connector.smallrye-kafka.apicurio.registry.url");
    /**
     * What the console reads although its application.properties does not set it: its HTTP port and
     * address, and the OpenID Connect settings the quarkus-oidc extension reads (named in a comment
     * there and in docs/console.md). No datasource, JWT or Kafka settings: it reads none.
     */
    static final Set<String> CONSOLE_KEYS = Set.of("quarkus.http.port", "quarkus.http.host", "quarkus.oidc.auth-server-url",
            "quarkus.oidc.client-id", "quarkus.oidc.credentials.secret");

    record Run(int exit, String out) {
    }

    static Run compose(Map<String, String> env, String... args) throws Exception {
        return compose(List.of(), env, args);
    }

    /** docker-compose with the root file and, after it, the override files given. */
    static Run compose(List<String> overrides, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("docker-compose", "-f", HOME.resolve("docker-compose.yml").toString()));
        overrides.forEach(o -> cmd.addAll(List.of("-f", HOME.resolve(o).toString())));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("POSTGRES_PASSWORD");
        pb.environment().remove("ORGOS_KEYSTORE_PASSWORD");
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            fail("docker-compose is needed to check docker-compose.yml: apt-get install docker-compose (.ci/run does)");
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "docker-compose config did not finish");
        return new Run(p.exitValue(), out);
    }

    @Test
    void theComposeFileIsValidAndNeedsItsSecretFromTheEnvironment() throws Exception {
        Run ok = compose(Map.of("POSTGRES_PASSWORD", "test-only"), "config", "-q");
        assertEquals(0, ok.exit(), ok.out());
        Run missing = compose(Map.of(), "config", "-q");
        assertNotEquals(0, missing.exit(), "a compose file that starts without its database password");
        assertTrue(missing.out().contains("set POSTGRES_PASSWORD"), missing.out());
    }

    @Test
    void everyServiceIsConfiguredWithSettingsItReadsAndPublishesItsOwnPortOnLoopbackOnly() throws Exception {
        Run config = compose(Map.of("POSTGRES_PASSWORD", "test-only"), "config");
        assertEquals(0, config.exit(), config.out());
        JsonNode services = new ObjectMapper(new YAMLFactory()).readTree(config.out()).get("services");
        for (String name : concat(SERVICES, List.of(CONSOLE))) {
            JsonNode s = services.get(name);
            assertTrue(s != null, name + " is missing from docker-compose.yml");
            Properties props = new Properties();
            try (var in = Files.newInputStream(HOME.resolve(name).resolve("src/main/resources/application.properties"))) {
                props.load(in);
            }
            boolean console = name.equals(CONSOLE);
            Set<String> known = new HashSet<>(console ? CONSOLE_KEYS : QUARKUS_KEYS);
            props.stringPropertyNames().forEach(k -> known.add(k.replaceFirst("^%[a-z]+\\.", "")));
            Set<String> envNames = new HashSet<>();
            known.forEach(k -> envNames.add(k.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_")));
            s.get("environment").fieldNames().forEachRemaining(env -> {
                // the console has no tracing and no Kafka client: those are settings it would ignore
                if (console || (!env.equals("OTEL_EXPORTER_OTLP_ENDPOINT") && !isKafkaClientSetting(env))) {
                    if (!env.startsWith("JAVA_")) {
                        assertTrue(envNames.contains(env), name + " is given " + env + ", which maps to no setting it reads");
                    }
                }
            });
            String port = props.getProperty("quarkus.http.port");
            // docker-compose 1.29 writes ports as host_ip:published:target/protocol
            String[] published = s.get("ports").get(0).asText().split(":");
            assertEquals(3, published.length, name + ": ports must name the host address: " + s.get("ports"));
            assertEquals("127.0.0.1", published[0], name + ": published beyond loopback");
            assertEquals(port, published[2].replace("/tcp", ""), name + ": container port");
            assertTrue(s.get("healthcheck").get("test").toString().contains("localhost:" + port + "/q/health/ready"), name + " health check");
            assertTrue(Files.isRegularFile(HOME.resolve(name).resolve("src/main/docker/Dockerfile.jvm")), name + " has no Dockerfile.jvm");
        }
    }

    /**
     * The console reaches the escalation service and the ledger by their compose names on their own
     * ports, starts once they are healthy, and offers no sign-in unless one is configured: OpenID
     * Connect only when ORGOS_CONSOLE_OIDC_ENABLED says so, development sign-in never.
     */
    @Test
    void theConsoleCallsTheEscalationServiceAndTheLedgerAndSignsInOnlyThroughTheIdentityProvider() throws Exception {
        Run config = compose(Map.of("POSTGRES_PASSWORD", "test-only"), "config");
        assertEquals(0, config.exit(), config.out());
        JsonNode services = new ObjectMapper(new YAMLFactory()).readTree(config.out()).get("services");
        JsonNode console = services.get(CONSOLE);
        JsonNode env = console.get("environment");
        Map<String, String> backends = Map.of("ORGOS_CONSOLE_ESCALATION_URL", "escalation-service", "ORGOS_CONSOLE_LEDGER_URL", "accountability-ledger");
        for (var b : backends.entrySet()) {
            Properties props = new Properties();
            try (var in = Files.newInputStream(HOME.resolve(b.getValue()).resolve("src/main/resources/application.properties"))) {
                props.load(in);
            }
            assertEquals("http://" + b.getValue() + ":" + props.getProperty("quarkus.http.port"), env.path(b.getKey()).asText(),
                    b.getKey() + ": the compose service on its own port");
            assertEquals("service_healthy", console.path("depends_on").path(b.getValue()).path("condition").asText(),
                    "the console waits until " + b.getValue() + " is healthy");
        }
        assertEquals("false", env.path("QUARKUS_OIDC_TENANT_ENABLED").asText(), "OpenID Connect sign-in is off unless ORGOS_CONSOLE_OIDC_ENABLED is set");
        assertTrue(env.path("QUARKUS_OIDC_CREDENTIALS_SECRET").asText().isEmpty(), "no client secret in the file");
        assertTrue(!env.has("ORGOS_CONSOLE_DEV_SIGN_INS") && !env.has("ORGOS_CONSOLE_REPLAY_REPORT"), "development files are ./orgos up's, not compose's");
        assertTrue(console.path("volumes").isMissingNode() || console.path("volumes").isEmpty(), "the console mounts nothing: " + console.path("volumes"));

        Run oidc = compose(Map.of("POSTGRES_PASSWORD", "test-only", "ORGOS_CONSOLE_OIDC_ENABLED", "true",
                "ORGOS_CONSOLE_OIDC_AUTH_SERVER_URL", "https://idp.example.com/realms/acme", "ORGOS_CONSOLE_OIDC_CLIENT_ID", "orgos-console",
                "ORGOS_CONSOLE_OIDC_CLIENT_SECRET", "test-only"), "config");
        assertEquals(0, oidc.exit(), oidc.out());
        JsonNode oidcEnv = new ObjectMapper(new YAMLFactory()).readTree(oidc.out()).get("services").get(CONSOLE).get("environment");
        assertEquals("true", oidcEnv.path("QUARKUS_OIDC_TENANT_ENABLED").asText());
        assertEquals("https://idp.example.com/realms/acme", oidcEnv.path("QUARKUS_OIDC_AUTH_SERVER_URL").asText());
        assertEquals("orgos-console", oidcEnv.path("QUARKUS_OIDC_CLIENT_ID").asText());
        assertEquals("test-only", oidcEnv.path("QUARKUS_OIDC_CREDENTIALS_SECRET").asText());
    }

    /** Kafka client settings every channel and plain client reads from the environment (see dev.orgos.schema.Clients). */
    static boolean isKafkaClientSetting(String env) {
        return env.equals("KAFKA_SECURITY_PROTOCOL") || env.startsWith("KAFKA_SSL_") || env.startsWith("KAFKA_SASL_");
    }

    @Test
    void theSecureProfilePutsEveryKafkaConnectionOnMutualTlsWithAKeyStoreOfItsOwn() throws Exception {
        List<String> secure = List.of("deploy/compose/secure.yml");
        Run missing = compose(secure, Map.of("POSTGRES_PASSWORD", "test-only"), "config", "-q");
        assertNotEquals(0, missing.exit(), "the secure profile starts without its key store password");
        assertTrue(missing.out().contains("set ORGOS_KEYSTORE_PASSWORD"), missing.out());

        Run config = compose(secure, Map.of("POSTGRES_PASSWORD", "test-only", "ORGOS_KEYSTORE_PASSWORD", "test-only"), "config");
        assertEquals(0, config.exit(), config.out());
        JsonNode services = new ObjectMapper(new YAMLFactory()).readTree(config.out()).get("services");
        JsonNode broker = services.get("kafka").get("environment");
        assertEquals("SSL://:9092,CONTROLLER://localhost:9093", broker.get("KAFKA_LISTENERS").asText(), "no plaintext listener beyond loopback");
        assertEquals("required", broker.get("KAFKA_SSL_CLIENT_AUTH").asText());
        String certs = Files.readString(HOME.resolve("deploy/compose/make-certs.sh"));
        Set<String> keyStores = new HashSet<>();
        for (String name : concat(SERVICES, List.of("init"))) {
            JsonNode env = services.get(name).get("environment");
            assertEquals("SSL", env.get("KAFKA_SECURITY_PROTOCOL").asText(), name);
            String keyStore = env.get("KAFKA_SSL_KEYSTORE_LOCATION").asText();
            assertTrue(keyStores.add(keyStore), name + " shares a key store: " + keyStore);
            String client = keyStore.replace("/certs/", "").replace(".p12", "");
            assertTrue(certs.contains(" " + client + " ") || certs.contains(" " + client + ";") || certs.contains(" " + client + "\n"),
                    "make-certs.sh makes no key store for " + client);
            assertTrue(services.get(name).get("volumes").toString().contains("kafka-certs:/certs:ro"), name + " does not mount the certificates");
        }
        // the console speaks to no broker: the secure profile gives it nothing
        services.get(CONSOLE).get("environment").fieldNames().forEachRemaining(env ->
                assertTrue(!env.startsWith("KAFKA_"), "the console has no Kafka client, yet is given " + env));
        assertTrue(Files.isExecutable(HOME.resolve("deploy/compose/make-certs.sh")));
    }

    /** The secure profile's one-shot, run for real: a CA and, per client, a key store whose certificate the CA signed. */
    @Test
    void theCertificateScriptMakesAKeyStorePerClientSignedByTheStacksCa() throws Exception {
        Path dir = Files.createDirectories(Path.of("target/compose-certs"));
        try (var old = Files.list(dir)) {
            for (Path f : old.toList()) {
                Files.delete(f);
            }
        }
        ProcessBuilder pb = new ProcessBuilder("bash", HOME.resolve("deploy/compose/make-certs.sh").toString()).redirectErrorStream(true);
        pb.environment().put("CERTS_DIR", dir.toAbsolutePath().toString());
        pb.environment().put("ORGOS_KEYSTORE_PASSWORD", "test-only");
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);

        var ca = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(dir.resolve("ca.crt")));
        for (String client : concat(List.of("kafka", "orgos-init"), SERVICES)) {
            var store = java.security.KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(dir.resolve(client + ".p12"))) {
                store.load(in, "test-only".toCharArray());
            }
            var cert = (java.security.cert.X509Certificate) store.getCertificate(client);
            assertEquals("CN=" + client, cert.getSubjectX500Principal().getName(), client);
            cert.verify(ca.getPublicKey()); // throws unless the stack's CA signed it
            assertTrue(store.isKeyEntry(client), client + " has its private key");
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
