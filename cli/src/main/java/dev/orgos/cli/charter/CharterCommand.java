package dev.orgos.cli.charter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "charter", mixinStandardHelpOptions = true,
        description = "Check, publish and calibrate the delegation charter.",
        subcommands = {CheckCommand.class, PublishCommand.class, ReplayCommand.class, CommandLine.HelpCommand.class})
public final class CharterCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
