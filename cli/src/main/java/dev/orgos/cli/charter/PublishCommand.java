package dev.orgos.cli.charter;

import dev.orgos.governance.charter.CharterException;
import dev.orgos.infra.CharterPublisher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Validate a charter and put it in force: the charters topic gets the new version, every router switches at "
                + "the same point of its input, and the activation (with the charter's SHA-256 digest) becomes a ledger fact.",
                "Refuses an invalid charter, and a version that is not newer than the one in force.",
                "Exit codes: 0 in force, 1 refused, 2 usage error or the mesh could not be reached."})
public final class PublishCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "The charter YAML file.")
    Path file;

    @Option(names = "--as", paramLabel = "NAME", description = "Who publishes (recorded in the ledger). Default: $USER.")
    String publishedBy;

    @Mixin
    dev.orgos.cli.MeshAddress mesh;

    @Override
    public Integer call() {
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (IOException e) {
            System.err.println("orgos charter publish: cannot read " + file + ": " + e.getMessage());
            return 2;
        }
        String who = publishedBy != null ? publishedBy : System.getProperty("user.name", "unknown");
        try {
            var r = CharterPublisher.publish(mesh.bootstrap(), mesh.registryApi(), file.toString(), yaml, who);
            if (r.alreadyInForce()) {
                System.out.printf("Charter '%s' version %d (%s) is already in force; nothing changed.%n",
                        r.charter().id(), r.charter().version(), r.charter().digest());
            } else {
                System.out.printf("Charter '%s' version %d (%s) is in force: activation marked on %d action partitions, "
                        + "recorded in the ledger as published by %s.%n", r.charter().id(), r.charter().version(),
                        r.charter().digest(), r.partitionsMarked(), who);
            }
            return 0;
        } catch (CharterException e) {
            System.out.println(file + ": invalid, not published:");
            e.problems().forEach(p -> System.out.println("  " + p));
            return 1;
        } catch (CharterPublisher.Refused e) {
            System.out.println("Not published: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println("orgos charter publish: " + e.getMessage());
            return 2;
        }
    }
}
