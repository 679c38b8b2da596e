package dev.orgos.service.lifecycle;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Whether the service has begun to stop. Scheduled work asks before each run: once the database
 * pool is closed, while the Kafka clients still drain, every run could only fail and say so as a
 * warning, so that a plain stop ended in seconds of "Pool closed". What is left is taken up by the
 * next instance, as after any stop.
 */
@ApplicationScoped
public class Stopping {
    private volatile boolean stopping;

    void begin(@Observes ShutdownEvent e) {
        stopping = true;
    }

    public boolean now() {
        return stopping;
    }
}
