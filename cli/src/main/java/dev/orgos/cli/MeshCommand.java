package dev.orgos.cli;

import dev.orgos.infra.MeshBootstrap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "mesh", mixinStandardHelpOptions = true, description = "Prepare a mesh's Kafka and registry.",
        subcommands = {MeshCommand.Init.class})
public final class MeshCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("Usage: orgos mesh init --bootstrap HOST:PORT --registry URL");
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = {"Create the mesh's topics (with their partitions and retention) and register every schema deliberately, "
                    + "with a BACKWARD compatibility rule. Safe to run again.", "Exit codes: 0 ready, 2 the mesh could not be reached."})
    public static final class Init implements Callable<Integer> {
        @Mixin
        MeshAddress mesh;

        @Override
        public Integer call() {
            try {
                MeshBootstrap.createTopics(mesh.bootstrap(), System.out::println);
                String api = mesh.registryApi();
                MeshBootstrap.registerSchemas(api.substring(0, api.length() - "/apis/registry/v3".length()), System.out::println);
                return 0;
            } catch (RuntimeException e) {
                System.err.println("orgos mesh init: " + e.getMessage());
                return 2;
            }
        }
    }
}
