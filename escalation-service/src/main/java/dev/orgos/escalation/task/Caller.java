package dev.orgos.escalation.task;

import java.util.Set;

/** Who is acting, as the token says: never as the request body says. */
public record Caller(String name, Set<String> groups) {
    public static final String AGENT_GROUP = "agent";

    public boolean isAgent() {
        return groups.contains(AGENT_GROUP);
    }
}
