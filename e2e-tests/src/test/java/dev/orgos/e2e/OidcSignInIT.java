package dev.orgos.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgos.cli.mesh.Mesh;
import dev.orgos.cli.mesh.Service;
import dev.orgos.schema.ActionProposed;
import dev.orgos.schema.Topics;
import dev.orgos.schema.Verdict;
import dev.orgos.schema.VerdictStatus;
import dev.orgos.testing.TopicProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Production sign-in, proven with a real identity provider: Keycloak (from Maven Central) with a
 * test realm; the console signs people in with OpenID Connect and the services trust that
 * issuer's keys, and nothing else, for the whole run.
 */
class OidcSignInIT {

    /** Where this test's mesh keeps its data and logs. */
    static final Path WORK = Path.of("target/e2e-oidc");

    @org.junit.jupiter.api.extension.RegisterExtension
    static final MeshLogsOnFailure LOGS = new MeshLogsOnFailure(WORK);

    static LocalKeycloak keycloak;
    static Mesh mesh;

    @BeforeAll
    static void start() throws Exception {
        keycloak = LocalKeycloak.start(WORK.resolve("logs"));
        Path home = Path.of(System.getProperty("orgos.home", "..")).toAbsolutePath().normalize();
        mesh = Mesh.start(home, WORK, false, Map.of(
                        "mp.jwt.verify.publickey.location", keycloak.jwksUrl(),
                        "mp.jwt.verify.issuer", keycloak.realmUrl(),
                        "quarkus.oidc.tenant-enabled", "true",
                        "quarkus.oidc.auth-server-url", keycloak.realmUrl(),
                        "quarkus.oidc.client-id", "orgos-console",
                        "quarkus.oidc.credentials.secret", "console-test-only",
                        "orgos.console.dev-sign-ins", ""), // people sign in at the identity provider only
                line -> System.out.println("[oidc] " + line));
    }

    @AfterAll
    static void stop() {
        if (mesh != null) {
            mesh.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
    }

    @Test
    void anAnchorSignsInThroughTheIdentityProviderAndDecidesWithItsToken() throws Exception {
        try (TopicProbe kafka = new TopicProbe(mesh.endpoints())) {
            String actionId = "oidc-" + UUID.randomUUID();
            // a Kafka-native worker: the refund is over the limit, so finance-ops decides
            kafka.send(Topics.ACTIONS.topic(), "oidc-bot", ActionProposed.newBuilder().setEventId(UUID.randomUUID().toString())
                    .setActionId(actionId).setAgentId("oidc-bot").setOccurredAt(Instant.now()).setActionType("refund.issue")
                    .setAmount(900.0).setCurrency("EUR").setConfidence(0.95).build());

            BrowserScript.run("oidc.mjs", Map.of("CONSOLE_URL", mesh.url(Service.CONSOLE), "ACTION_ID", actionId),
                    Path.of("target/browser-screenshots/oidc"));

            var approved = kafka.<Verdict>await(Topics.VERDICTS.topic(), r -> r.value().getActionId().equals(actionId)
                    && r.value().getStatus() == VerdictStatus.APPROVED, l -> !l.isEmpty(), Duration.ofSeconds(60));
            assertEquals(List.of("alice"), approved.get(0).value().getDecidedBy(), "the verdict names the person the IdP signed in");
        }
    }
}
