package dev.orgos.cli;

import dev.orgos.cli.mesh.Mesh;
import dev.orgos.cli.mesh.Service;
import dev.orgos.infra.DevTokens;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start everything on this machine and keep it running for manual use until Ctrl-C.")
final class UpCommand implements Callable<Integer> {

    /** So that ./orgos charter publish and friends find this mesh without flags. */
    private static void writeEndpoints(Path work, Mesh mesh) {
        var p = new java.util.Properties();
        p.setProperty("kafka.bootstrap", mesh.endpoints().kafkaBootstrap());
        p.setProperty("registry.url", mesh.endpoints().registryUrl());
        for (Service s : Service.values()) {
            p.setProperty(s.module + ".url", mesh.url(s));
        }
        try (var out = java.nio.file.Files.newOutputStream(work.resolve("endpoints.properties"))) {
            p.store(out, "written by ./orgos up; removed when it stops");
        } catch (java.io.IOException e) {
            System.err.println("orgos up: could not write " + work.resolve("endpoints.properties") + ": " + e.getMessage());
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        Path work = Orgos.home().resolve(".orgos/up");
        Mesh mesh;
        try {
            mesh = Mesh.start(Orgos.home(), work, true, Map.of(), System.out::println);
        } catch (RuntimeException e) {
            System.err.println("orgos up failed: " + e.getMessage());
            return 1;
        }
        writeEndpoints(work, mesh);
        // a service that ends, or says it is not alive, is started again, as an orchestrator would
        mesh.keep(line -> System.out.println("[keeper] " + line));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping every service and server...");
            mesh.close();
            try {
                java.nio.file.Files.deleteIfExists(work.resolve("endpoints.properties"));
            } catch (java.io.IOException ignored) {
                // best effort: a stale file only points at servers that are gone
            }
            System.out.println("Stopped. Nothing is left running.");
            stopped.countDown();
        }, "orgos-stop"));
        Duration day = Duration.ofHours(12);
        System.out.println();
        System.out.println("orgos is up:");
        System.out.println("  Console (people)         " + mesh.url(Service.CONSOLE) + "   sign in as one of: "
                + String.join(", ", mesh.consolePeople().entrySet().stream().map(e -> e.getKey() + " ("
                        + (e.getValue().isEmpty() ? "no role" : String.join(", ", e.getValue())) + ")").toList()));
        System.out.println("  Gateway (AI workers)     " + mesh.url(Service.EXECUTION_GATEWAY) + "/v1/actions");
        System.out.println("  Escalations (humans)     " + mesh.url(Service.ESCALATION_SERVICE) + "/v1/escalations   (OpenAPI: /q/openapi)");
        System.out.println("  Ledger (auditors)        " + mesh.url(Service.ACCOUNTABILITY_LEDGER) + "/v1/ledger/entries");
        System.out.println("  Router health            " + mesh.url(Service.COORDINATION_ROUTER) + "/q/health");
        System.out.println("  Kafka                    " + mesh.endpoints().kafkaBootstrap());
        System.out.println("  Apicurio Registry        " + mesh.endpoints().registryUrl());
        System.out.println("  Logs                     " + work.resolve("logs"));
        System.out.println();
        System.out.println("Development sign-ins (valid 12 h; mint more with ./orgos token):");
        System.out.println("  agent refund-bot:        " + DevTokens.agent("refund-bot", day));
        System.out.println("  alice (finance-ops):     " + DevTokens.human("alice", List.of("finance-ops"), day));
        System.out.println("  dave (pricing):          " + DevTokens.human("dave", List.of("pricing"), day));
        System.out.println("  ivan (auditor):          " + DevTokens.human("ivan", List.of("auditor"), day));
        System.out.println();
        System.out.println("Try: curl -s -H \"Authorization: Bearer $AGENT\" -H 'Content-Type: application/json' \\");
        System.out.println("       -d '{\"actionType\":\"refund.issue\",\"amount\":2400,\"confidence\":0.9}' "
                + mesh.url(Service.EXECUTION_GATEWAY) + "/v1/actions");
        System.out.println();
        System.out.println("Other commands (charter publish, charter replay, dead-letters) find this mesh by themselves while it runs.");
        System.out.println("A service that stops, or whose liveness check says DOWN at three checks in a row (5 s apart), is restarted (lines marked [keeper]).");
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
        return 0;
    }
}
