package dev.orgos.escalation.notify;

/** Tells a human about an escalation. Implementations must never block the caller. */
public interface Notifier {
    void send(Notification n);
}
