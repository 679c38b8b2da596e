package dev.orgos.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The orgos command. The ./orgos script picks a JDK >= 21 and runs this. */
@Command(name = "orgos", mixinStandardHelpOptions = true, version = "orgos 0.1.0",
        description = "The Organizational Operating System: AI workers act, humans stay accountable.",
        subcommands = {DemoCommand.class, UpCommand.class, TestCommand.class, dev.orgos.cli.charter.CharterCommand.class,
                dev.orgos.cli.ledger.LedgerCommand.class, dev.orgos.cli.deadletters.DeadLettersCommand.class, MeshCommand.class,
                TokenCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Start with: ./orgos demo"})
public final class Orgos implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line as the script runs it: a command used wrongly says why and exits 2, without a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Orgos()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof MeshAddress.UsageException || e instanceof IllegalArgumentException) {
                commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Where the repository is: the script passes it, so the command works from any directory. */
    public static java.nio.file.Path home() {
        return java.nio.file.Path.of(System.getProperty("orgos.home", ".")).toAbsolutePath().normalize();
    }
}
