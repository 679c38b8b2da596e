package dev.orgos.escalation.task;

public enum TaskStatus {
    OPEN, ACKNOWLEDGED, APPROVED, REJECTED, EXPIRED;

    public boolean isOpen() {
        return this == OPEN || this == ACKNOWLEDGED;
    }
}
