package dev.orgos.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orgos.schema.Topics;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaAuthorizationSimple;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s, checked as a cluster would receive it: the base and every overlay are rendered
 * with `kubectl kustomize`, every document is deserialized strictly into its real API model
 * (fabric8 for Kubernetes, Strimzi's for Kafka) or checked against its operator's CRD schema
 * (KEDA, CloudNativePG), and then against what the services themselves need: their topics,
 * ACLs, settings, ports and credentials.
 */
class ManifestsTest {
    static final Path DEPLOY = locateDeploy();
    static final Path HOME = DEPLOY.getParent();
    static final Path K8S = DEPLOY.resolve("k8s");
    static final String PRODUCTION = "overlays/production";

    /** A service: its KafkaUser (none for the console) and port. */
    record Service(String name, String kafkaUser, int port) {
    }

    /** The four services of the mesh, Kafka clients all. */
    static final List<Service> SERVICES = List.of(
            new Service("execution-gateway", "orgos-gateway", 8080),
            new Service("coordination-router", "orgos-router", 8082),
            new Service("escalation-service", "orgos-escalation", 8083),
            new Service("accountability-ledger", "orgos-ledger", 8084));

    /** The web console: no Kafka, no database; it calls the escalation service and the ledger over HTTP. */
    static final Service CONSOLE = new Service("console", null, 8085);

    /** The services and the console: everything with an HTTP port, probes and settings of its own. */
    static final List<Service> HTTP_SERVICES = Stream.concat(SERVICES.stream(), Stream.of(CONSOLE)).toList();

    /** The console's calls: setting, the service it names. */
    static final Map<String, String> CONSOLE_BACKENDS = Map.of("ORGOS_CONSOLE_ESCALATION_URL", "escalation-service",
            "ORGOS_CONSOLE_LEDGER_URL", "accountability-ledger");

    /**
     * Topics the services write from code (KafkaRecord withTopic / KafkaTransactions, or a plain
     * producer: the gateway's accepted actions, the router's transactions), not from a channel's topic.
     */
    static final Map<String, Set<String>> WRITTEN_FROM_CODE = Map.of(
            "execution-gateway", Set.of("orgos.actions", "orgos.outcomes", "orgos.facts"),
            "coordination-router", Set.of("orgos.decisions", "orgos.verdicts", "orgos.escalation-requests", "orgos.facts",
                    "orgos.router-state", "orgos.dead-letters"),
            "escalation-service", Set.of("orgos.escalation-events", "orgos.verdicts", "orgos.facts", "orgos.dead-letters"),
            "accountability-ledger", Set.of("orgos.ledger", "orgos.dead-letters", "orgos.checkpoints"));

    /** Topics read by plain consumers that assign() partitions, without a consumer group. */
    static final Map<String, Set<String>> READ_WITHOUT_GROUP = Map.of(
            "execution-gateway", Set.of(),
            "coordination-router", Set.of("orgos.charters", "orgos.router-state"),
            "escalation-service", Set.of("orgos.charters"),
            "accountability-ledger", Set.of("orgos.ledger"));

    /** Settings every Quarkus service reads although they are not in its application.properties (as in ComposeFileTest). */
    static final Set<String> QUARKUS_KEYS = Set.of("quarkus.http.port", "quarkus.http.host", "quarkus.datasource.username",
            "quarkus.datasource.password", "quarkus.datasource.reactive.url", "quarkus.datasource.jdbc.url",
            "mp.jwt.verify.publickey.location", "mp.jwt.verify.issuer", "kafka.bootstrap.servers",
            "mp.messaging.connector.smallrye-kafka.apicurio.registry.url");

    /**
     * What the console reads although its application.properties does not set it (as in ComposeFileTest):
     * its HTTP port and address, and the OpenID Connect settings the quarkus-oidc extension reads
     * (named in a comment there and in docs/console.md). No datasource, JWT or Kafka settings.
     */
    static final Set<String> CONSOLE_KEYS = Set.of("quarkus.http.port", "quarkus.http.host", "quarkus.oidc.auth-server-url",
            "quarkus.oidc.client-id", "quarkus.oidc.credentials.secret",
            // behind the ingress: the forwarded scheme and host (see console.yaml)
            "quarkus.http.proxy.proxy-address-forwarding", "quarkus.http.proxy.allow-x-forwarded", "quarkus.http.proxy.enable-forwarded-host");

    /** Kafka client settings given as KAFKA_* (Quarkus passes kafka.* to every channel). */
    static final Set<String> KAFKA_CLIENT_KEYS = Set.of("bootstrap.servers", "security.protocol", "sasl.mechanism",
            "sasl.jaas.config", "ssl.truststore.type", "ssl.truststore.location");

    private static Path locateDeploy() {
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p : List.of(cwd, cwd.resolve("deploy"))) {
            if (Files.isRegularFile(p.resolve("k8s/base/kustomization.yaml"))) {
                return p;
            }
        }
        throw new IllegalStateException("run from the repository or its deploy module: no k8s/base/kustomization.yaml under " + cwd);
    }

    /** base and every overlay. */
    static List<String> targets() {
        List<String> targets = new ArrayList<>(List.of("base"));
        try (Stream<Path> overlays = Files.list(K8S.resolve("overlays"))) {
            overlays.filter(o -> Files.isRegularFile(o.resolve("kustomization.yaml")))
                    .map(o -> "overlays/" + o.getFileName()).sorted().forEach(targets::add);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return targets;
    }

    static List<Render> renders() {
        return targets().stream().map(t -> Render.of(K8S, t)).toList();
    }

    static Render production() {
        return Render.of(K8S, PRODUCTION);
    }

    static void check(List<String> problems) {
        assertTrue(problems.isEmpty(), () -> problems.size() + " problem(s):\n" + String.join("\n", problems));
    }

    // ---- the API models -------------------------------------------------------------------------

    @Test
    void thereAreTheBaseAndTheTwoOverlays() {
        assertTrue(targets().containsAll(List.of("base", "overlays/dev", PRODUCTION)), targets().toString());
    }

    @Test
    void everyRenderedDocumentConformsStrictlyToItsApiModelOrSchema() {
        List<String> problems = new ArrayList<>();
        for (Render r : renders()) {
            assertFalse(r.docs().isEmpty(), r + " rendered nothing");
            for (Manifests.Doc d : r.docs()) {
                problems.addAll(ModelValidator.validate(d));
            }
            Set<String> ids = new java.util.HashSet<>();
            r.docs().forEach(d -> {
                if (!ids.add(d.id())) {
                    problems.add(d + ": twice in " + r);
                }
            });
        }
        check(problems);
    }

    // ---- the workloads --------------------------------------------------------------------------

    @Test
    void everyContainerHasResourcesAndRunsAsNonRootWithoutPrivileges() {
        List<String> problems = new ArrayList<>();
        for (Render r : renders()) {
            r.podSpecs().forEach((workload, pod) -> {
                String w = r + " " + workload;
                PodSecurityContext psc = pod.getSecurityContext();
                if (Boolean.TRUE.equals(pod.getHostNetwork()) || Boolean.TRUE.equals(pod.getHostPID()) || Boolean.TRUE.equals(pod.getHostIPC())) {
                    problems.add(w + ": shares the node's network, PID or IPC namespace");
                }
                if (psc == null || psc.getSeccompProfile() == null || !"RuntimeDefault".equals(psc.getSeccompProfile().getType())) {
                    problems.add(w + ": pod securityContext.seccompProfile.type is not RuntimeDefault");
                }
                for (Container c : Render.allContainers(pod)) {
                    String at = w + " container " + c.getName();
                    SecurityContext sc = c.getSecurityContext();
                    Boolean nonRoot = sc != null && sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : psc == null ? null : psc.getRunAsNonRoot();
                    Long user = sc != null && sc.getRunAsUser() != null ? sc.getRunAsUser() : psc == null ? null : psc.getRunAsUser();
                    if (!Boolean.TRUE.equals(nonRoot)) {
                        problems.add(at + ": runAsNonRoot is not true");
                    }
                    if (user != null && user == 0) {
                        problems.add(at + ": runs as user 0");
                    }
                    if (sc == null) {
                        problems.add(at + ": no securityContext");
                        continue;
                    }
                    if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
                        problems.add(at + ": allowPrivilegeEscalation is not false");
                    }
                    if (Boolean.TRUE.equals(sc.getPrivileged())) {
                        problems.add(at + ": privileged");
                    }
                    if (!Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
                        problems.add(at + ": readOnlyRootFilesystem is not true");
                    }
                    if (sc.getCapabilities() == null || sc.getCapabilities().getDrop() == null || !sc.getCapabilities().getDrop().contains("ALL")
                            || (sc.getCapabilities().getAdd() != null && !sc.getCapabilities().getAdd().isEmpty())) {
                        problems.add(at + ": capabilities do not drop ALL (and add none)");
                    }
                    var res = c.getResources();
                    if (res == null || res.getRequests() == null || !res.getRequests().containsKey("cpu") || !res.getRequests().containsKey("memory")) {
                        problems.add(at + ": no cpu and memory requests");
                    }
                    if (res == null || res.getLimits() == null || !res.getLimits().containsKey("memory")) {
                        problems.add(at + ": no memory limit");
                    }
                    if (c.getImage() == null || !c.getImage().substring(c.getImage().lastIndexOf('/') + 1).contains(":") || c.getImage().endsWith(":latest")) {
                        problems.add(at + ": image " + c.getImage() + " has no fixed tag (set it with kustomize images:)");
                    }
                }
            });
        }
        check(problems);
    }

    @Test
    void everyDeploymentHasStartupReadinessAndLivenessProbes() {
        List<String> problems = new ArrayList<>();
        for (Render r : renders()) {
            for (Deployment d : r.deployments()) {
                for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
                    String at = r + " Deployment/" + d.getMetadata().getName() + " container " + c.getName();
                    if (c.getStartupProbe() == null || c.getReadinessProbe() == null || c.getLivenessProbe() == null) {
                        problems.add(at + ": needs startup, readiness and liveness probes");
                    }
                }
            }
            for (Service s : HTTP_SERVICES) {
                Container c = serviceContainer(r, s);
                String at = r + " " + s.name();
                if (c.getReadinessProbe() == null || c.getReadinessProbe().getHttpGet() == null
                        || !"/q/health/ready".equals(c.getReadinessProbe().getHttpGet().getPath())) {
                    problems.add(at + ": readiness probe is not GET /q/health/ready");
                }
                if (c.getLivenessProbe() == null || c.getLivenessProbe().getHttpGet() == null
                        || !"/q/health/live".equals(c.getLivenessProbe().getHttpGet().getPath())) {
                    problems.add(at + ": liveness probe is not GET /q/health/live");
                }
            }
        }
        check(problems);
    }

    @Test
    void theLedgerWriterRunsExactlyOnceAndIsReplacedNotRolled() {
        for (Render r : renders()) {
            Deployment ledger = r.deployment("accountability-ledger").orElseThrow(() -> new AssertionError(r + ": no ledger"));
            assertEquals(1, ledger.getSpec().getReplicas(), r + ": the ledger is the single writer of a hash chain");
            assertEquals("Recreate", ledger.getSpec().getStrategy().getType(), r + ": the ledger must be replaced, not rolled");
            r.ofKind("ScaledObject").forEach(so -> assertFalse(
                    so.node().path("spec").path("scaleTargetRef").path("name").asText().equals("accountability-ledger"),
                    r + ": " + so + " would scale the ledger"));
            for (PodDisruptionBudget pdb : r.all("PodDisruptionBudget", PodDisruptionBudget.class)) {
                assertFalse("accountability-ledger".equals(pdb.getSpec().getSelector().getMatchLabels().get("app.kubernetes.io/name")),
                        r + ": a disruption budget for the single ledger replica blocks every node drain");
            }
        }
    }

    // ---- Kafka: topics, brokers, users ------------------------------------------------------------

    @Test
    void everyTopicOfTheMeshIsDeclaredWithItsPartitionsAndRetention() {
        List<String> problems = new ArrayList<>();
        Set<String> mesh = Arrays.stream(Topics.values()).map(Topics::topic).collect(Collectors.toSet());
        for (Render r : renders()) {
            Map<String, KafkaTopic> declared = new LinkedHashMap<>();
            for (KafkaTopic t : r.topics()) {
                declared.put(topicName(t), t);
            }
            Set<String> clusters = r.kafkas().stream().map(k -> k.getMetadata().getName()).collect(Collectors.toSet());
            for (Topics t : Topics.values()) {
                KafkaTopic kt = declared.get(t.topic());
                if (kt == null) {
                    problems.add(r + ": no KafkaTopic for " + t.topic());
                    continue;
                }
                if (kt.getSpec().getPartitions() == null || kt.getSpec().getPartitions() < t.defaultPartitions()) {
                    problems.add(r + ": " + t.topic() + " has " + kt.getSpec().getPartitions() + " partitions, the mesh needs " + t.defaultPartitions());
                }
            }
            declared.forEach((name, kt) -> {
                if (!mesh.contains(name)) {
                    problems.add(r + ": KafkaTopic " + name + " is no topic of dev.orgos.schema.Topics");
                }
                if (!clusters.contains(label(kt.getMetadata().getLabels(), "strimzi.io/cluster"))) {
                    problems.add(r + ": KafkaTopic " + name + " names no Kafka cluster of the render (label strimzi.io/cluster)");
                }
            });
            for (Topics t : List.of(Topics.LEDGER, Topics.FACTS, Topics.CHECKPOINTS)) {
                KafkaTopic kt = declared.get(t.topic());
                if (kt != null && !(configIs(kt, "retention.ms", "-1") && configIs(kt, "retention.bytes", "-1"))) {
                    problems.add(r + ": " + t.topic() + " must keep everything (retention.ms and retention.bytes -1)");
                }
            }
            KafkaTopic charters = declared.get(Topics.CHARTERS.topic());
            if (charters != null && !configIs(charters, "cleanup.policy", "compact")) {
                problems.add(r + ": " + Topics.CHARTERS.topic() + " must be compacted");
            }
            KafkaTopic actions = declared.get(Topics.ACTIONS.topic());
            if (actions != null && !configIs(actions, "message.timestamp.type", "LogAppendTime")) {
                problems.add(r + ": " + Topics.ACTIONS.topic() + " must take the broker's time (message.timestamp.type LogAppendTime): "
                        + "budgets are charged at a record's time");
            }
        }
        check(problems);
    }

    @Test
    void replicationFitsTheBrokersOfEveryRender() {
        List<String> problems = new ArrayList<>();
        for (Render r : renders()) {
            for (Kafka k : r.kafkas()) {
                String cluster = k.getMetadata().getName();
                int brokers = r.nodePools().stream().filter(p -> cluster.equals(label(p.getMetadata().getLabels(), "strimzi.io/cluster")))
                        .filter(p -> p.getSpec().getRoles().contains(ProcessRoles.BROKER)).mapToInt(p -> p.getSpec().getReplicas()).sum();
                int controllers = r.nodePools().stream().filter(p -> cluster.equals(label(p.getMetadata().getLabels(), "strimzi.io/cluster")))
                        .filter(p -> p.getSpec().getRoles().contains(ProcessRoles.CONTROLLER)).mapToInt(p -> p.getSpec().getReplicas()).sum();
                String at = r + " Kafka/" + cluster;
                if (brokers < 1 || controllers < 1 || controllers % 2 == 0) {
                    problems.add(at + ": " + brokers + " brokers and " + controllers + " controllers (need brokers, and an odd controller quorum)");
                }
                if (!"enabled".equals(label(k.getMetadata().getAnnotations(), "strimzi.io/node-pools"))
                        || !"enabled".equals(label(k.getMetadata().getAnnotations(), "strimzi.io/kraft"))) {
                    problems.add(at + ": needs the strimzi.io/node-pools and strimzi.io/kraft annotations (KRaft with node pools)");
                }
                Map<String, Object> config = k.getSpec().getKafka().getConfig();
                for (String key : List.of("default.replication.factor", "offsets.topic.replication.factor", "transaction.state.log.replication.factor")) {
                    if (intOf(config.get(key)) > brokers) {
                        problems.add(at + ": " + key + " " + config.get(key) + " > " + brokers + " brokers");
                    }
                }
                if (intOf(config.get("transaction.state.log.min.isr")) > intOf(config.get("transaction.state.log.replication.factor"))) {
                    problems.add(at + ": transaction.state.log.min.isr > its replication factor");
                }
                for (KafkaTopic t : r.topics()) {
                    int replicas = t.getSpec().getReplicas() == null ? intOf(config.get("default.replication.factor")) : t.getSpec().getReplicas();
                    Object minIsr = t.getSpec().getConfig() == null ? null : t.getSpec().getConfig().get("min.insync.replicas");
                    if (replicas > brokers) {
                        problems.add(at + ": " + topicName(t) + " has " + replicas + " replicas on " + brokers + " brokers");
                    }
                    if (minIsr != null && intOf(minIsr) > replicas) {
                        problems.add(at + ": " + topicName(t) + " min.insync.replicas " + minIsr + " > its " + replicas + " replicas: no write could succeed");
                    }
                }
            }
            assertEquals(1, r.kafkas().size(), r + ": one Kafka cluster");
        }
        check(problems);
    }

    @Test
    void productionKafkaIsOnlyReachableOverTlsWithScramAndEnforcesAcls() {
        Render p = production();
        Kafka kafka = p.kafkas().get(0);
        List<GenericKafkaListener> listeners = kafka.getSpec().getKafka().getListeners();
        assertTrue(listeners.stream().anyMatch(l -> l.isTls() && l.getAuth() != null && "scram-sha-512".equals(l.getAuth().getType())),
                "production needs a TLS listener with scram-sha-512 authentication");
        for (GenericKafkaListener l : listeners) {
            assertTrue(l.isTls() && l.getAuth() != null, "production listener " + l.getName() + " without TLS or authentication");
        }
        assertTrue(kafka.getSpec().getKafka().getAuthorization() instanceof KafkaAuthorizationSimple, "production Kafka must enforce ACLs (authorization simple)");
        for (KafkaUser u : p.users()) {
            assertTrue(u.getSpec().getAuthentication() instanceof KafkaUserScramSha512ClientAuthentication, u.getMetadata().getName() + ": scram-sha-512");
            assertFalse(Acls.rules(u).isEmpty(), u.getMetadata().getName() + ": no ACLs");
        }
        for (KafkaTopic t : p.topics()) {
            assertTrue(t.getSpec().getReplicas() != null && t.getSpec().getReplicas() >= 3, topicName(t) + ": 3 replicas in production");
            assertTrue(intOf(t.getSpec().getConfig().get("min.insync.replicas")) >= 2, topicName(t) + ": min.insync.replicas 2 in production");
        }
        KafkaTopic ledger = p.topics().stream().filter(t -> topicName(t).equals(Topics.LEDGER.topic())).findFirst().orElseThrow();
        assertEquals(2, intOf(ledger.getSpec().getConfig().get("min.insync.replicas")), "the ledger topic: min.insync.replicas 2");
        assertEquals(3, ledger.getSpec().getReplicas(), "the ledger topic: 3 replicas");
        Map<String, String> config = p.configMapData(configMapOf(p, "execution-gateway"));
        assertEquals("SASL_SSL", config.get("KAFKA_SECURITY_PROTOCOL"));
        assertEquals("SCRAM-SHA-512", config.get("KAFKA_SASL_MECHANISM"));
    }

    @Test
    void clientsReachAListenerTheyCanSpeakTo() {
        List<String> problems = new ArrayList<>();
        for (Render r : renders()) {
            Kafka kafka = r.kafkas().get(0);
            Map<String, String> config = r.configMapData(configMapOf(r, "execution-gateway"));
            String bootstrap = config.get("KAFKA_BOOTSTRAP_SERVERS");
            String expectedHost = kafka.getMetadata().getName() + "-kafka-bootstrap";
            int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
            GenericKafkaListener l = kafka.getSpec().getKafka().getListeners().stream().filter(x -> x.getPort() == port).findFirst().orElse(null);
            if (!bootstrap.startsWith(expectedHost + ":") || l == null) {
                problems.add(r + ": KAFKA_BOOTSTRAP_SERVERS " + bootstrap + " is no listener of " + expectedHost);
                continue;
            }
            String protocol = config.get("KAFKA_SECURITY_PROTOCOL");
            String expected = (l.isTls() ? "SASL_SSL" : "SASL_PLAINTEXT");
            if (l.getAuth() == null) {
                expected = l.isTls() ? "SSL" : "PLAINTEXT";
            } else if (!"scram-sha-512".equals(l.getAuth().getType())) {
                expected = "(only scram-sha-512 is configured for the clients)";
            }
            if (!expected.equals(protocol)) {
                problems.add(r + ": listener " + l.getName() + " wants " + expected + ", the services use " + protocol);
            }
            r.ofKind("ScaledObject").forEach(so -> so.node().path("spec").path("triggers").forEach(t -> {
                String b = t.path("metadata").path("bootstrapServers").asText();
                if (!b.startsWith(expectedHost + ":") || kafka.getSpec().getKafka().getListeners().stream()
                        .noneMatch(x -> b.endsWith(":" + x.getPort()) && x.isTls() && x.getAuth() != null)) {
                    problems.add(r + ": " + so + " reads lag from " + b + ", not the TLS + SCRAM listener its TriggerAuthentication speaks to");
                }
            }));
        }
        check(problems);
    }

    @Test
    void onlyTheLedgerServiceMayWriteTheLedgerTopic() {
        for (Render r : renders()) {
            Set<String> writers = r.users().stream().filter(u -> Acls.allows(u, "topic", Topics.LEDGER.topic(), AclOperation.WRITE))
                    .map(u -> u.getMetadata().getName()).collect(Collectors.toSet());
            assertEquals(Set.of("orgos-ledger"), writers, r + ": who may Write " + Topics.LEDGER.topic());
            Set<String> checkpointWriters = r.users().stream().filter(u -> Acls.allows(u, "topic", Topics.CHECKPOINTS.topic(), AclOperation.WRITE))
                    .map(u -> u.getMetadata().getName()).collect(Collectors.toSet());
            assertEquals(Set.of("orgos-ledger"), checkpointWriters, r + ": who may Write " + Topics.CHECKPOINTS.topic());
        }
    }

    @Test
    void eachServiceMayReadAndWriteExactlyItsOwnTopicsGroupsAndTransactionalIds() throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> allTopics = Arrays.stream(Topics.values()).map(Topics::topic).collect(Collectors.toCollection(TreeSet::new));
        for (Render r : renders()) {
            for (Service s : SERVICES) {
                KafkaUser u = r.user(s.kafkaUser()).orElse(null);
                if (u == null) {
                    problems.add(r + ": no KafkaUser " + s.kafkaUser() + " for " + s.name());
                    continue;
                }
                String at = r + " " + s.kafkaUser() + " (" + s.name() + ")";
                Set<String> reads = new TreeSet<>(READ_WITHOUT_GROUP.get(s.name()));
                Set<String> writes = new TreeSet<>(WRITTEN_FROM_CODE.get(s.name()));
                Properties props = properties(s.name());
                for (Channel c : channels(props)) {
                    (c.incoming() ? reads : writes).add(c.topic());
                    if (c.group() != null && !Acls.allows(u, "group", c.group(), AclOperation.READ)) {
                        problems.add(at + ": may not Read group " + c.group() + " (channel " + c.name() + ")");
                    }
                    if (c.transactionalIdPrefix() != null) {
                        checkTransactionalId(u, c.transactionalIdPrefix(), at, "channel " + c.name(), problems);
                    }
                }
                // a plain transactional producer (the router's) names its id in a setting of its own
                for (String k : props.stringPropertyNames()) {
                    if (k.startsWith("orgos.") && k.endsWith(".transactional-id")) {
                        checkTransactionalId(u, idPrefix(props.getProperty(k)), at, k, problems);
                    }
                }
                Set<String> mayRead = allTopics.stream().filter(t -> Acls.allows(u, "topic", t, AclOperation.READ)).collect(Collectors.toCollection(TreeSet::new));
                Set<String> mayWrite = allTopics.stream().filter(t -> Acls.allows(u, "topic", t, AclOperation.WRITE)).collect(Collectors.toCollection(TreeSet::new));
                if (!mayRead.equals(reads)) {
                    problems.add(at + ": may Read " + mayRead + ", the service reads " + reads);
                }
                if (!mayWrite.equals(writes)) {
                    problems.add(at + ": may Write " + mayWrite + ", the service writes " + writes);
                }
                Container c = serviceContainer(r, s);
                String jaasSecret = c.getEnv().stream().filter(e -> e.getName().equals("KAFKA_SASL_JAAS_CONFIG"))
                        .map(e -> e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() == null ? null : e.getValueFrom().getSecretKeyRef().getName())
                        .filter(Objects::nonNull).findFirst().orElse(null);
                if (!s.kafkaUser().equals(jaasSecret)) {
                    problems.add(at + ": the Deployment logs in with Secret " + jaasSecret + ", not its own KafkaUser's");
                }
            }
            KafkaUser auditor = r.user("orgos-auditor").orElseThrow();
            Set<String> auditorReads = allTopics.stream().filter(t -> Acls.allows(auditor, "topic", t, AclOperation.READ)).collect(Collectors.toSet());
            assertEquals(Set.of(Topics.LEDGER.topic(), Topics.CHECKPOINTS.topic()), auditorReads, r + ": the auditor reads the ledger and its checkpoints only");
            assertTrue(allTopics.stream().noneMatch(t -> Acls.allows(auditor, "topic", t, AclOperation.WRITE)), r + ": the auditor writes nothing");
        }
        check(problems);
    }

    // ---- configuration of the services ------------------------------------------------------------

    @Test
    void everyServiceIsGivenSettingsItReadsOnItsOwnPort() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Render r : renders()) {
            for (Service s : HTTP_SERVICES) {
                String at = r + " " + s.name();
                boolean kafka = s.kafkaUser() != null;
                Properties props = properties(s.name());
                String propsText = Files.readString(HOME.resolve(s.name()).resolve("src/main/resources/application.properties"));
                Container c = serviceContainer(r, s);
                Map<String, String> env = environment(r, c);
                // MicroProfile Config's environment names: every non-alphanumeric character becomes _, upper case
                Set<String> readable = Stream.concat(props.stringPropertyNames().stream(), (kafka ? QUARKUS_KEYS : CONSOLE_KEYS).stream())
                        .map(k -> k.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT)).collect(Collectors.toSet());
                for (String name : env.keySet()) {
                    String kafkaKey = name.toLowerCase(java.util.Locale.ROOT).replace('_', '.');
                    boolean known = readable.contains(name) || propsText.contains("${" + name)
                            || (kafka && name.startsWith("KAFKA_") && KAFKA_CLIENT_KEYS.contains(kafkaKey.substring("kafka.".length())));
                    if (!known) {
                        problems.add(at + ": sets " + name + ", which the service does not read");
                    }
                }
                String port = String.valueOf(s.port());
                if (!port.equals(env.get("QUARKUS_HTTP_PORT")) || !port.equals(props.getProperty("quarkus.http.port"))) {
                    problems.add(at + ": QUARKUS_HTTP_PORT " + env.get("QUARKUS_HTTP_PORT") + " is not the service's port " + port);
                }
                if (c.getPorts().stream().noneMatch(p -> p.getContainerPort() == s.port() && "http".equals(p.getName()))) {
                    problems.add(at + ": no container port http " + port);
                }
                if (!"0.0.0.0".equals(env.get("QUARKUS_HTTP_HOST"))) {
                    problems.add(at + ": QUARKUS_HTTP_HOST must be 0.0.0.0 in a pod (the services bind 127.0.0.1 by default)");
                }
                for (String required : kafka ? List.of("KAFKA_BOOTSTRAP_SERVERS", "MP_MESSAGING_CONNECTOR_SMALLRYE_KAFKA_APICURIO_REGISTRY_URL",
                        "KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_JAAS_CONFIG", "OTEL_EXPORTER_OTLP_ENDPOINT") : List.<String>of()) {
                    if (!env.containsKey(required)) {
                        problems.add(at + ": " + required + " is not set");
                    }
                }
                if (!kafka) {
                    checkConsole(r, at, c, env, problems);
                }
                if (props.containsKey("quarkus.datasource.db-kind")) {
                    checkDatabase(r, at, env, problems);
                }
                if (props.containsKey("mp.jwt.verify.issuer")) {
                    String key = env.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION");
                    if (key == null || !env.containsKey("MP_JWT_VERIFY_ISSUER")) {
                        problems.add(at + ": verifies JWTs but MP_JWT_VERIFY_PUBLICKEY_LOCATION or MP_JWT_VERIFY_ISSUER is not set");
                    } else if (c.getVolumeMounts().stream().noneMatch(m -> key.startsWith(m.getMountPath() + "/"))) {
                        problems.add(at + ": nothing is mounted at " + key);
                    }
                }
                String truststore = env.get("KAFKA_SSL_TRUSTSTORE_LOCATION");
                if (truststore != null && c.getVolumeMounts().stream().noneMatch(m -> truststore.startsWith(m.getMountPath() + "/"))) {
                    problems.add(at + ": nothing is mounted at " + truststore);
                }
                String signingKey = env.get("ORGOS_LEDGER_SIGNING_KEY");
                if (signingKey != null && c.getVolumeMounts().stream().noneMatch(m -> signingKey.startsWith(m.getMountPath() + "/"))) {
                    problems.add(at + ": nothing is mounted at " + signingKey);
                }
            }
        }
        check(problems);
    }

    /**
     * The console calls each service through its Kubernetes Service, on the service's own port, and
     * signs people in only through the identity provider, with the client secret from a Secret.
     */
    private static void checkConsole(Render r, String at, Container c, Map<String, String> env, List<String> problems) {
        for (var b : CONSOLE_BACKENDS.entrySet()) {
            Service target = SERVICES.stream().filter(s -> s.name().equals(b.getValue())).findFirst().orElseThrow();
            String expected = "http://" + target.name() + ":" + target.port();
            if (!expected.equals(env.get(b.getKey()))) {
                problems.add(at + ": " + b.getKey() + " is " + env.get(b.getKey()) + ", not " + expected);
            }
            boolean served = r.all("Service", io.fabric8.kubernetes.api.model.Service.class).stream().anyMatch(svc -> svc.getMetadata().getName().equals(target.name())
                    && target.name().equals(label(svc.getSpec().getSelector(), "app.kubernetes.io/name"))
                    && svc.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == target.port()));
            if (!served) {
                problems.add(at + ": no Service " + target.name() + " on port " + target.port() + " for " + b.getKey());
            }
        }
        if (!"true".equals(env.get("QUARKUS_OIDC_TENANT_ENABLED"))) {
            problems.add(at + ": QUARKUS_OIDC_TENANT_ENABLED must be true: the identity provider is the only way to sign in");
        }
        for (String name : List.of("QUARKUS_OIDC_AUTH_SERVER_URL", "QUARKUS_OIDC_CLIENT_ID", "QUARKUS_OIDC_CREDENTIALS_SECRET")) {
            if (!env.containsKey(name)) {
                problems.add(at + ": " + name + " is not set");
            }
        }
        boolean secretFromSecret = list(c.getEnv()).stream().anyMatch(e -> e.getName().equals("QUARKUS_OIDC_CREDENTIALS_SECRET")
                && e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null);
        if (!secretFromSecret) {
            problems.add(at + ": QUARKUS_OIDC_CREDENTIALS_SECRET must come from a Secret");
        }
        for (String dev : List.of("ORGOS_CONSOLE_DEV_SIGN_INS", "ORGOS_CONSOLE_REPLAY_REPORT")) {
            if (env.containsKey(dev)) {
                problems.add(at + ": " + dev + " is a development file, not for a cluster");
            }
        }
    }

    private static void checkDatabase(Render r, String at, Map<String, String> env, List<String> problems) {
        String reactive = env.get("QUARKUS_DATASOURCE_REACTIVE_URL");
        String jdbc = env.get("QUARKUS_DATASOURCE_JDBC_URL");
        if (reactive == null || jdbc == null || !jdbc.equals("jdbc:" + reactive)) {
            problems.add(at + ": QUARKUS_DATASOURCE_REACTIVE_URL " + reactive + " and QUARKUS_DATASOURCE_JDBC_URL " + jdbc + " must name the same database");
            return;
        }
        Matcher m = Pattern.compile("postgresql://([^:/]+):5432/(\\w+)").matcher(reactive);
        if (!m.matches()) {
            problems.add(at + ": unexpected datasource URL " + reactive);
            return;
        }
        Set<String> hosts = new LinkedHashSet<>();
        Set<String> databases = new LinkedHashSet<>();
        r.ofKind("Cluster").forEach(c -> {
            hosts.add(c.name() + "-rw");
            databases.add(c.node().path("spec").path("bootstrap").path("initdb").path("database").asText());
        });
        r.ofKind("Database").forEach(d -> databases.add(d.node().path("spec").path("name").asText()));
        if (!hosts.contains(m.group(1))) {
            problems.add(at + ": database host " + m.group(1) + " is not the primary of a CloudNativePG Cluster " + hosts);
        }
        if (!databases.contains(m.group(2))) {
            problems.add(at + ": database " + m.group(2) + " is created by no Cluster or Database " + databases);
        }
    }

    // ---- secrets ----------------------------------------------------------------------------------

    /** A reference from a pod (or KEDA) to a key of a Secret or ConfigMap. */
    record Ref(String kind, String name, String key, boolean optional, String from) {
    }

    @Test
    void everySecretAndConfigMapUsedIsMadeByAnOperatorOrDocumentedForTheAdministrator() throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, String> documented = documented();
        Set<String> used = new TreeSet<>();
        for (Render r : renders()) {
            Map<String, Set<String>> operatorSecrets = new LinkedHashMap<>();
            r.users().forEach(u -> operatorSecrets.put(u.getMetadata().getName(), Set.of("password", "sasl.jaas.config")));
            r.kafkas().forEach(k -> operatorSecrets.put(k.getMetadata().getName() + "-cluster-ca-cert", Set.of("ca.crt", "ca.p12", "ca.password")));
            r.ofKind("Cluster").forEach(c -> operatorSecrets.put(c.name() + "-app", Set.of("username", "password", "host", "port", "dbname",
                    "user", "uri", "jdbc-uri", "pgpass", "fqdn-uri", "fqdn-jdbc-uri")));
            for (Ref ref : references(r)) {
                String at = r + " " + ref.from() + ": " + ref.kind() + " " + ref.name() + (ref.key() == null ? "" : " key " + ref.key());
                used.add(ref.name());
                if (ref.kind().equals("Secret") && operatorSecrets.containsKey(ref.name())) {
                    if (ref.key() != null && !operatorSecrets.get(ref.name()).contains(ref.key())) {
                        problems.add(at + ": the operator's Secret has no such key " + operatorSecrets.get(ref.name()));
                    }
                    continue;
                }
                if (ref.kind().equals("ConfigMap") && r.configMapData(ref.name()) != null) {
                    if (ref.key() != null && !r.configMapData(ref.name()).containsKey(ref.key())) {
                        problems.add(at + ": the generated ConfigMap has no such key");
                    }
                    continue;
                }
                String row = documented.get(ref.name());
                if (row == null) {
                    problems.add(at + ": created by no operator and not documented in deploy/README.md (\"" + SECTION + "\")");
                } else if (!row.contains(ref.kind())) {
                    problems.add(at + ": deploy/README.md documents it, but not as a " + ref.kind());
                } else if (ref.key() != null && !row.contains("`" + ref.key() + "`")) {
                    problems.add(at + ": deploy/README.md does not name its key `" + ref.key() + "`");
                }
            }
        }
        for (String name : documented.keySet()) {
            if (!used.contains(name)) {
                problems.add("deploy/README.md documents " + name + ", which no manifest uses");
            }
        }
        check(problems);
    }

    static final String SECTION = "Secrets and ConfigMaps you create";

    /** The README's table of what the administrator creates: name to its table row. */
    static Map<String, String> documented() throws IOException {
        String readme = Files.readString(DEPLOY.resolve("README.md"));
        int start = readme.indexOf("### " + SECTION);
        assertTrue(start >= 0, "deploy/README.md has no section \"### " + SECTION + "\"");
        int end = readme.indexOf("\n#", start + 4);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `([a-z0-9.-]+)` \\|(.*)$").matcher(section);
        while (m.find()) {
            rows.put(m.group(1), m.group(2));
        }
        assertFalse(rows.isEmpty(), "no table rows (| `name` | ...) in the README section " + SECTION);
        return rows;
    }

    static List<Ref> references(Render r) {
        List<Ref> refs = new ArrayList<>();
        r.podSpecs().forEach((workload, pod) -> {
            for (Container c : Render.allContainers(pod)) {
                String from = workload + " container " + c.getName();
                for (EnvVar e : list(c.getEnv())) {
                    if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                        var s = e.getValueFrom().getSecretKeyRef();
                        refs.add(new Ref("Secret", s.getName(), s.getKey(), Boolean.TRUE.equals(s.getOptional()), from + " env " + e.getName()));
                    }
                    if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) {
                        var s = e.getValueFrom().getConfigMapKeyRef();
                        refs.add(new Ref("ConfigMap", s.getName(), s.getKey(), Boolean.TRUE.equals(s.getOptional()), from + " env " + e.getName()));
                    }
                }
                for (EnvFromSource e : list(c.getEnvFrom())) {
                    if (e.getSecretRef() != null) {
                        refs.add(new Ref("Secret", e.getSecretRef().getName(), null, Boolean.TRUE.equals(e.getSecretRef().getOptional()), from + " envFrom"));
                    }
                    if (e.getConfigMapRef() != null) {
                        refs.add(new Ref("ConfigMap", e.getConfigMapRef().getName(), null, Boolean.TRUE.equals(e.getConfigMapRef().getOptional()), from + " envFrom"));
                    }
                }
            }
            for (Volume v : list(pod.getVolumes())) {
                String from = workload + " volume " + v.getName();
                if (v.getSecret() != null) {
                    keys(v.getSecret().getItems()).forEach(k -> refs.add(new Ref("Secret", v.getSecret().getSecretName(), k, false, from)));
                    if (list(v.getSecret().getItems()).isEmpty()) {
                        refs.add(new Ref("Secret", v.getSecret().getSecretName(), null, false, from));
                    }
                }
                if (v.getConfigMap() != null) {
                    keys(v.getConfigMap().getItems()).forEach(k -> refs.add(new Ref("ConfigMap", v.getConfigMap().getName(), k, false, from)));
                    if (list(v.getConfigMap().getItems()).isEmpty()) {
                        refs.add(new Ref("ConfigMap", v.getConfigMap().getName(), null, false, from));
                    }
                }
                if (v.getProjected() != null) {
                    for (VolumeProjection p : list(v.getProjected().getSources())) {
                        if (p.getSecret() != null) {
                            refs.add(new Ref("Secret", p.getSecret().getName(), null, false, from));
                        }
                        if (p.getConfigMap() != null) {
                            refs.add(new Ref("ConfigMap", p.getConfigMap().getName(), null, false, from));
                        }
                    }
                }
            }
        });
        r.ofKind("TriggerAuthentication").forEach(t -> {
            t.node().path("spec").path("secretTargetRef").forEach(s -> refs.add(new Ref("Secret", s.path("name").asText(), s.path("key").asText(), false, t.id())));
            t.node().path("spec").path("configMapTargetRef").forEach(s -> refs.add(new Ref("ConfigMap", s.path("name").asText(), s.path("key").asText(), false, t.id())));
        });
        return refs;
    }

    @Test
    void noSecretIsWrittenInTheRepository() throws IOException {
        List<String> problems = new ArrayList<>();
        Pattern sensitive = Pattern.compile("(?i).*(PASSWORD|SECRET|JAAS|TOKEN|CREDENTIAL).*");
        for (Render r : renders()) {
            r.ofKind("Secret").forEach(s -> problems.add(r + ": " + s + ": a Secret in the manifests; operators create them (see README)"));
            r.podSpecs().forEach((workload, pod) -> {
                for (Container c : Render.allContainers(pod)) {
                    for (EnvVar e : list(c.getEnv())) {
                        if (sensitive.matcher(e.getName()).matches() && e.getValue() != null) {
                            problems.add(r + " " + workload + ": " + e.getName() + " has a literal value; take it from a Secret");
                        }
                    }
                }
            });
            for (var cm : r.configMaps()) {
                for (String key : cm.getData() == null ? Set.<String>of() : cm.getData().keySet()) {
                    if (sensitive.matcher(key).matches()) {
                        problems.add(r + ": ConfigMap " + cm.getMetadata().getName() + " holds " + key + "; secrets belong in Secrets");
                    }
                }
            }
        }
        Pattern literal = Pattern.compile("LoginModule\\s+required|BEGIN [A-Z ]*PRIVATE KEY|(?i)password\\s*[=:]\\s*[\"']?[^\\s\"'$<{][^\\s\"']{3,}");
        try (Stream<Path> files = Files.walk(K8S)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(f);
                Matcher m = literal.matcher(text);
                while (m.find()) {
                    problems.add(DEPLOY.relativize(f) + ": looks like a literal secret: " + m.group());
                }
            }
        }
        check(problems);
    }

    // ---- scaling, availability and network ----------------------------------------------------------

    @Test
    void productionRunsTwoRoutersAndGatewaysAtLeastAndScalesThemOnConsumerLag() throws IOException {
        Render p = production();
        for (String name : List.of("execution-gateway", "coordination-router", "escalation-service", CONSOLE.name())) {
            Deployment d = p.deployment(name).orElseThrow();
            assertTrue(d.getSpec().getReplicas() >= 2, name + ": at least 2 replicas in production");
            assertTrue(p.all("PodDisruptionBudget", PodDisruptionBudget.class).stream().anyMatch(b ->
                            name.equals(b.getSpec().getSelector().getMatchLabels().get("app.kubernetes.io/name"))
                                    && b.getSpec().getMinAvailable() != null && b.getSpec().getMinAvailable().getIntVal() != null
                                    && b.getSpec().getMinAvailable().getIntVal() == 1),
                    name + ": a PodDisruptionBudget with minAvailable 1");
        }
        Map<String, String> expected = Map.of("coordination-router", "orgos.actions", "execution-gateway", "orgos.verdicts");
        Map<String, KafkaTopic> topics = p.topics().stream().collect(Collectors.toMap(ManifestsTest::topicName, t -> t));
        Set<String> authentications = p.ofKind("TriggerAuthentication").map(Manifests.Doc::name).collect(Collectors.toSet());
        for (var e : expected.entrySet()) {
            Manifests.Doc so = p.ofKind("ScaledObject").filter(d -> d.node().path("spec").path("scaleTargetRef").path("name").asText().equals(e.getKey()))
                    .findFirst().orElseThrow(() -> new AssertionError("no ScaledObject scales " + e.getKey()));
            JsonNode spec = so.node().path("spec");
            JsonNode trigger = spec.path("triggers").get(0);
            assertEquals("kafka", trigger.path("type").asText(), so + ": a kafka trigger");
            assertEquals(e.getValue(), trigger.path("metadata").path("topic").asText(), so + ": lag of " + e.getValue());
            String group = channels(properties(e.getKey())).stream().filter(c -> c.incoming() && c.topic().equals(e.getValue()))
                    .map(Channel::group).findFirst().orElseThrow();
            assertEquals(group, trigger.path("metadata").path("consumerGroup").asText(), so + ": the service's consumer group");
            assertTrue(spec.path("minReplicaCount").asInt() >= 2, so + ": minReplicaCount >= 2");
            assertEquals(topics.get(e.getValue()).getSpec().getPartitions(), spec.path("maxReplicaCount").asInt(),
                    so + ": maxReplicaCount = partitions of " + e.getValue() + " (more replicas would idle)");
            assertTrue(authentications.contains(trigger.path("authenticationRef").path("name").asText()), so + ": its TriggerAuthentication");
            KafkaUser keda = p.user(p.configMapData("orgos-keda-kafka").get("username")).orElseThrow(() -> new AssertionError("no KafkaUser for KEDA"));
            assertTrue(Acls.allows(keda, "group", group, AclOperation.DESCRIBE) && Acls.allows(keda, "topic", e.getValue(), AclOperation.DESCRIBE),
                    "KEDA's KafkaUser may describe " + group + " and " + e.getValue());
        }
    }

    @Test
    void ingressIsDeniedByDefaultAndOpenedOnlyWhereNeeded() {
        List<String> problems = new ArrayList<>();
        for (Render r : renders()) {
            List<NetworkPolicy> policies = r.all("NetworkPolicy", NetworkPolicy.class);
            assertTrue(policies.stream().anyMatch(np -> (np.getSpec().getPodSelector().getMatchLabels() == null || np.getSpec().getPodSelector().getMatchLabels().isEmpty())
                            && list(np.getSpec().getPodSelector().getMatchExpressions()).isEmpty()
                            && np.getSpec().getPolicyTypes().contains("Ingress") && list(np.getSpec().getIngress()).isEmpty()),
                    r + ": a default-deny ingress policy");
            NetworkPolicy gateway = policies.stream().filter(np -> "execution-gateway".equals(
                    np.getSpec().getPodSelector().getMatchLabels() == null ? null : np.getSpec().getPodSelector().getMatchLabels().get("app.kubernetes.io/name")))
                    .findFirst().orElseThrow(() -> new AssertionError(r + ": no policy opens the gateway"));
            assertTrue(gateway.getSpec().getIngress().stream().anyMatch(i -> list(i.getFrom()).isEmpty()
                    && i.getPorts().stream().anyMatch(pt -> pt.getPort().getIntVal() == 8080)), r + ": the gateway's 8080 is open to agents anywhere");
            for (Service s : HTTP_SERVICES) {
                if (s.name().equals("execution-gateway")) {
                    continue;
                }
                for (NetworkPolicy np : policies) {
                    for (var rule : list(np.getSpec().getIngress())) {
                        if (list(rule.getFrom()).isEmpty() && selects(np, s.name())) {
                            problems.add(r + ": " + np.getMetadata().getName() + " opens " + s.name() + " to everyone");
                        }
                    }
                }
            }
            checkConsoleNetwork(r, policies, problems);
        }
        check(problems);
    }

    /** Namespaces that may reach the console: people through the ingress controller, and Prometheus for /q/metrics. */
    static final Set<String> CONSOLE_NAMESPACES = Set.of("ingress-nginx", "monitoring");

    /**
     * The console is reached through the ingress controller only (and scraped by Prometheus), not
     * from the namespace's other pods; its pods may reach the escalation service and the ledger.
     */
    private static void checkConsoleNetwork(Render r, List<NetworkPolicy> policies, List<String> problems) {
        Map<String, String> consolePod = r.deployment(CONSOLE.name()).orElseThrow().getSpec().getTemplate().getMetadata().getLabels();
        boolean throughIngress = false;
        for (NetworkPolicy np : policies) {
            if (!selects(np, CONSOLE.name())) {
                continue;
            }
            for (var rule : list(np.getSpec().getIngress())) {
                // a shared policy may list other services' ports: only the console's own port (or all ports) reaches it
                boolean reachesConsole = list(rule.getPorts()).isEmpty() || rule.getPorts().stream().anyMatch(pt -> pt.getPort() == null
                        || pt.getPort().getIntVal() == null || pt.getPort().getIntVal() == CONSOLE.port());
                if (!reachesConsole) {
                    continue;
                }
                for (var peer : list(rule.getFrom())) {
                    String ns = peer.getNamespaceSelector() == null ? null : label(peer.getNamespaceSelector().getMatchLabels(), "kubernetes.io/metadata.name");
                    boolean namedNamespaceOnly = ns != null && list(peer.getNamespaceSelector().getMatchExpressions()).isEmpty()
                            && peer.getNamespaceSelector().getMatchLabels().size() == 1 && peer.getIpBlock() == null;
                    if (!namedNamespaceOnly || !CONSOLE_NAMESPACES.contains(ns)) {
                        problems.add(r + ": " + np.getMetadata().getName() + " lets " + peer + " reach the console; only the namespaces "
                                + CONSOLE_NAMESPACES + " may");
                    } else if (ns.equals("ingress-nginx")) {
                        throughIngress = true;
                    }
                }
            }
        }
        if (!throughIngress) {
            problems.add(r + ": no policy lets the ingress controller (namespace ingress-nginx) reach the console on " + CONSOLE.port());
        }
        for (String backend : CONSOLE_BACKENDS.values()) {
            Service target = SERVICES.stream().filter(s -> s.name().equals(backend)).findFirst().orElseThrow();
            boolean allowed = policies.stream().filter(np -> selects(np, backend)).flatMap(np -> list(np.getSpec().getIngress()).stream())
                    .anyMatch(rule -> (list(rule.getPorts()).isEmpty() || rule.getPorts().stream().anyMatch(pt -> pt.getPort() != null
                            && pt.getPort().getIntVal() != null && pt.getPort().getIntVal() == target.port()))
                            && list(rule.getFrom()).stream().anyMatch(peer -> peer.getNamespaceSelector() == null && peer.getIpBlock() == null
                                    && peer.getPodSelector() != null && matches(peer.getPodSelector(), consolePod)));
            if (!allowed) {
                problems.add(r + ": no policy lets the console's pods reach " + backend + ":" + target.port());
            }
        }
    }

    /** Whether a label selector selects pods with these labels (matchLabels, and In / Exists expressions; others count as no). */
    static boolean matches(io.fabric8.kubernetes.api.model.LabelSelector sel, Map<String, String> labels) {
        if (sel.getMatchLabels() != null && sel.getMatchLabels().entrySet().stream().anyMatch(e -> !e.getValue().equals(labels.get(e.getKey())))) {
            return false;
        }
        return list(sel.getMatchExpressions()).stream().allMatch(e -> switch (e.getOperator()) {
            case "In" -> e.getValues().contains(labels.get(e.getKey()));
            case "Exists" -> labels.containsKey(e.getKey());
            default -> false;
        });
    }

    private static boolean selects(NetworkPolicy np, String app) {
        var sel = np.getSpec().getPodSelector();
        if (sel.getMatchLabels() != null && app.equals(sel.getMatchLabels().get("app.kubernetes.io/name"))) {
            return true;
        }
        return list(sel.getMatchExpressions()).stream().anyMatch(e -> e.getKey().equals("app.kubernetes.io/name") && e.getOperator().equals("In")
                && e.getValues().contains(app));
    }

    @Test
    void theInitJobRegistersTheSchemasAndPublishesTheCharterOnceTheTopicsExist() {
        for (Render r : renders()) {
            PodSpec pod = r.podSpecs().get("Job/orgos-init");
            assertNotNull(pod, r + ": no init Job");
            List<List<String>> steps = Stream.concat(list(pod.getInitContainers()).stream(), pod.getContainers().stream()).map(Container::getArgs).toList();
            assertEquals(List.of("wait", "kafkatopics.kafka.strimzi.io"), steps.get(0).subList(0, 2), r + ": first wait for the KafkaTopics");
            assertEquals(List.of("mesh", "init"), steps.get(1).subList(0, 2), r + ": then orgos mesh init");
            assertEquals(List.of("charter", "publish"), steps.get(2).subList(0, 2), r + ": then orgos charter publish");
            assertTrue(steps.get(2).containsAll(List.of("--as", "k8s-init")), r + ": publishes as k8s-init");
            var role = r.ofKind("Role").filter(d -> d.name().equals(pod.getServiceAccountName())).findFirst().orElseThrow();
            assertEquals("kafkatopics", role.node().path("rules").get(0).path("resources").get(0).asText(), r + ": the init Job may read KafkaTopics");
        }
    }

    // ---- the validators themselves: broken manifests must be reported with their path ------------------

    @Test
    void aMisspelledFieldInADeploymentIsReportedWithItsPath() {
        List<String> problems = validate("broken/deployment.yaml");
        assertReported(problems, "Deployment/broken-gateway", "spec.replcas: unknown field 'replcas'");
        assertReported(problems, "Deployment/broken-gateway", "spec.template.spec.containers[0].imagePullPolicyy: unknown field 'imagePullPolicyy'");
        assertReported(problems, "Deployment/broken-gateway", "spec.template.spec.containers[0].readinessProbe.httpGet.paht: unknown field 'paht'");
        assertReported(problems, "Deployment/wrongly-typed", "spec.replicas");
        assertEquals(4, problems.size(), String.join("\n", problems));
    }

    @Test
    void aMisspelledFieldInAStrimziResourceIsReportedWithItsPath() {
        List<String> problems = validate("broken/kafka.yaml");
        assertReported(problems, "KafkaTopic/orgos.broken", "spec.partitons: unknown field 'partitons'");
        assertReported(problems, "KafkaUser/broken-user", "spec.authorization.acls[0].resource.patternTyp: unknown field 'patternTyp'");
        assertReported(problems, "Kafka/broken", "spec.kafka.listeners[0].authentication");
        assertEquals(3, problems.size(), String.join("\n", problems));
    }

    @Test
    void crdSchemaViolationsAreReportedWithTheirPath() {
        List<String> problems = validate("broken/crds.yaml");
        assertReported(problems, "ScaledObject/broken-scaler", "spec.maxReplicaCont: unknown field 'maxReplicaCont'");
        assertReported(problems, "ScaledObject/broken-scaler", "spec.triggers[0].metadata.lagThreshold: expected a string, got number 1000");
        assertReported(problems, "ScaledObject/broken-scaler", "metadata.labelz: unknown field 'labelz'");
        assertReported(problems, "ScaledObject/no-target", "spec.scaleTargetRef: required field missing");
        assertReported(problems, "Database/broken-db", "spec.ensure: \"maybe\" is not one of");
        assertReported(problems, "Database/broken-db", "spec.ownr: unknown field 'ownr'");
        assertReported(problems, "Database/broken-db", "spec.owner: required field missing");
        assertReported(problems, "Cluster/broken-pg", "spec.instances: expected an integer, got string \"3\"");
        assertReported(problems, "Cluster/broken-pg", "spec.bootstrap.initdb.postInitApplicationSQL: expected a list");
        assertEquals(9, problems.size(), String.join("\n", problems));
    }

    @Test
    void anUnknownKindIsNotWavedThrough() {
        List<String> problems = ModelValidator.validate(new Manifests.Doc("inline", Manifests.parse(
                "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n", "inline").get(0).node()));
        assertReported(problems, "Widget/w", "no model and no CRD schema known for example.com/v1/Widget");
    }

    private static List<String> validate(String resource) {
        try (InputStream in = ManifestsTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            List<String> problems = new ArrayList<>();
            for (Manifests.Doc d : Manifests.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), resource)) {
                problems.addAll(ModelValidator.validate(d));
            }
            return problems;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertReported(List<String> problems, String document, String detail) {
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(document + " (") && p.contains(detail)),
                () -> "expected a problem of " + document + " with \"" + detail + "\", got:\n" + String.join("\n", problems));
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /** A SmallRye Reactive Messaging channel of a service. */
    record Channel(String name, boolean incoming, String topic, String group, String transactionalIdPrefix) {
    }

    static Properties properties(String service) throws IOException {
        Properties props = new Properties();
        try (var in = Files.newInputStream(HOME.resolve(service).resolve("src/main/resources/application.properties"))) {
            props.load(in);
        }
        return props;
    }

    static List<Channel> channels(Properties props) {
        Pattern key = Pattern.compile("mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.connector");
        List<Channel> channels = new ArrayList<>();
        for (String k : new TreeSet<>(props.stringPropertyNames())) {
            Matcher m = key.matcher(k);
            if (!m.matches() || !"smallrye-kafka".equals(props.getProperty(k))) {
                continue;
            }
            String prefix = "mp.messaging." + m.group(1) + "." + m.group(2) + ".";
            String tx = props.getProperty(prefix + "transactional.id");
            channels.add(new Channel(m.group(2), m.group(1).equals("incoming"), props.getProperty(prefix + "topic", m.group(2)),
                    props.getProperty(prefix + "group.id"), tx == null ? null : idPrefix(tx)));
        }
        return channels;
    }

    /** A transactional id setting up to its first expression: {@code orgos-router-${quarkus.uuid}} is {@code orgos-router-}. */
    static String idPrefix(String setting) {
        int expression = setting.indexOf("${");
        return expression < 0 ? setting : setting.substring(0, expression);
    }

    /** Whether the user may use a transactional id of this prefix (as an instance's UUID completes it). */
    static void checkTransactionalId(KafkaUser u, String prefix, String at, String where, List<String> problems) {
        String id = prefix + "0b1c6a0e-5c1f-4a55-9d43-3f1e2a7b8c9d";
        if (!Acls.allows(u, "transactionalId", id, AclOperation.WRITE) || !Acls.allows(u, "transactionalId", id, AclOperation.DESCRIBE)) {
            problems.add(at + ": may not use transactional id " + id + " (" + where + ")");
        }
    }

    static Container serviceContainer(Render r, Service s) {
        Deployment d = r.deployment(s.name()).orElseThrow(() -> new AssertionError(r + ": no Deployment " + s.name()));
        return d.getSpec().getTemplate().getSpec().getContainers().stream().filter(c -> c.getName().equals(s.name())).findFirst()
                .orElseThrow(() -> new AssertionError(r + ": Deployment " + s.name() + " has no container " + s.name()));
    }

    /** The name of the ConfigMap a service's envFrom uses (generated: with a hash suffix). */
    static String configMapOf(Render r, String service) {
        Container c = serviceContainer(r, SERVICES.stream().filter(s -> s.name().equals(service)).findFirst().orElseThrow());
        return c.getEnvFrom().stream().filter(e -> e.getConfigMapRef() != null).map(e -> e.getConfigMapRef().getName()).findFirst().orElseThrow();
    }

    /** Every variable a container gets: envFrom ConfigMaps first, env over them (as the kubelet does). */
    static Map<String, String> environment(Render r, Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource e : list(c.getEnvFrom())) {
            if (e.getConfigMapRef() != null && r.configMapData(e.getConfigMapRef().getName()) != null) {
                env.putAll(r.configMapData(e.getConfigMapRef().getName()));
            }
        }
        for (EnvVar e : list(c.getEnv())) {
            env.put(e.getName(), e.getValue() != null ? e.getValue() : "(from " + (e.getValueFrom() == null ? "?" : "a reference") + ")");
        }
        return env;
    }

    static String topicName(KafkaTopic t) {
        return t.getSpec().getTopicName() != null ? t.getSpec().getTopicName() : t.getMetadata().getName();
    }

    static boolean configIs(KafkaTopic t, String key, String value) {
        return t.getSpec().getConfig() != null && value.equals(String.valueOf(t.getSpec().getConfig().get(key)));
    }

    static int intOf(Object o) {
        return o == null ? 0 : Integer.parseInt(String.valueOf(o));
    }

    static String label(Map<String, String> labels, String key) {
        return labels == null ? null : labels.get(key);
    }

    static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }

    static List<String> keys(List<KeyToPath> items) {
        return list(items).stream().map(KeyToPath::getKey).toList();
    }
}
