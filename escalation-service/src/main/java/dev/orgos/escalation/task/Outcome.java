package dev.orgos.escalation.task;

/** What became of a request to act on a task. */
public sealed interface Outcome {
    record Done(EscalationTask task) implements Outcome {
    }

    record NotFound() implements Outcome {
    }

    record Refused(String why) implements Outcome {
    }

    record Conflict(String why) implements Outcome {
    }
}
