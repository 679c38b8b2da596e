package dev.orgos.cli.ledger;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "ledger", mixinStandardHelpOptions = true,
        description = "The auditor's tools: verify the ledger from its topic, and check RFC 9162 proofs. No orgos service is needed.",
        subcommands = {VerifyCommand.class, VerifyInclusionCommand.class, VerifyConsistencyCommand.class, CommandLine.HelpCommand.class})
public final class LedgerCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
