package dev.orgos.cli;

import dev.orgos.cli.demo.Scenario;
import dev.orgos.cli.mesh.Mesh;
import dev.orgos.cli.mesh.Service;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start everything on this machine, run a short governed scenario, print what happened, stop everything.",
                "Kafka, Apicurio Registry and PostgreSQL are real servers started here; the four services run as packaged applications."})
final class DemoCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        Instant start = Instant.now();
        Path work = Orgos.home().resolve(".orgos/demo");
        System.out.println("orgos demo: AI workers act, humans stay accountable. Everything runs on 127.0.0.1.");
        try (Mesh mesh = Mesh.start(Orgos.home(), work, false, Map.of(), System.out::println)) {
            int entries = new Scenario(mesh, System.out).run();
            if (!mesh.spanExports().isEmpty()) {
                System.out.println();
                System.out.println("Tracing: span exports received per service " + mesh.spanExports()
                        + "; every ledger entry above names the trace it belongs to.");
            }
            System.out.println();
            System.out.printf("Done in %d s: %d ledger entries sealed and verified. Service logs: %s%n",
                    Duration.between(start, Instant.now()).toSeconds(), entries, work.resolve("logs"));
            System.out.println("Stopping every service and server this demo started...");
        } catch (RuntimeException e) {
            System.err.println("orgos demo failed: " + e.getMessage());
            System.err.println("Logs: " + work.resolve("logs"));
            return 1;
        }
        System.out.println("Stopped. Nothing is left running.");
        return 0;
    }

}
