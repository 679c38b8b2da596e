package dev.orgos.cli;

import dev.orgos.infra.DevTokens;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Mint a JWT signed with the DEVELOPMENT key (accepted by ./orgos up, never by production).",
                "A human's groups are anchor roles (see charters/example.yaml); an agent gets the group 'agent'."},
        footer = {"", "Examples:", "  ./orgos token --user alice --roles finance-ops",
                "  ./orgos token --user ivan --roles auditor", "  ./orgos token --agent refund-bot"})
final class TokenCommand implements Callable<Integer> {

    @Option(names = "--user", description = "The human's user id.")
    String user;

    @Option(names = "--roles", split = ",", description = "Anchor roles, comma-separated.")
    List<String> roles = List.of();

    @Option(names = "--agent", description = "Mint for an AI agent with this id instead of a human.")
    String agent;

    @Option(names = "--minutes", defaultValue = "60", description = "Validity in minutes (default ${DEFAULT-VALUE}).")
    long minutes;

    @Override
    public Integer call() {
        if ((user == null) == (agent == null)) {
            System.err.println("orgos token: give either --user (with --roles) or --agent. See ./orgos token --help");
            return 2;
        }
        Duration validity = Duration.ofMinutes(minutes);
        System.out.println(agent != null ? DevTokens.agent(agent, validity) : DevTokens.human(user, roles, validity));
        return 0;
    }
}
