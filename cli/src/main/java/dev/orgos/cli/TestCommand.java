package dev.orgos.cli;

import picocli.CommandLine.Command;

/** Listed for --help; the ./orgos script runs the tests itself, with the Maven wrapper. */
@Command(name = "test", description = "Run every test (unit, service integration and end-to-end) against real Kafka, "
        + "Apicurio Registry and PostgreSQL that the tests start themselves. Same as ./mvnw verify.")
final class TestCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("Run it from the repository root: ./orgos test");
    }
}
