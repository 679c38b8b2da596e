package dev.orgos.escalation.task;

/**
 * Who may act on a task: holders of the task's current anchor role, or its assignee. Never an
 * agent, and never the agent whose action it is. Pure, so every refusal path is unit-tested.
 */
public final class Authority {
    private Authority() {
    }

    /** Null when the caller may act; otherwise why not, in words the caller understands. */
    public static String refusal(EscalationTask task, Caller caller) {
        if (caller.isAgent()) {
            return "agents may never act on escalations; a human of anchor '" + task.anchor + "' must decide";
        }
        if (caller.name().equals(task.agentId)) {
            return "the agent whose action this is may not decide it";
        }
        if (!caller.groups().contains(task.anchor) && !caller.name().equals(task.assignee)) {
            return "only holders of anchor role '" + task.anchor + "'"
                    + (task.assignee == null ? "" : " or the assignee '" + task.assignee + "'") + " may act on this escalation";
        }
        return null;
    }
}
