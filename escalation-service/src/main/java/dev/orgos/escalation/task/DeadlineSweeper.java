package dev.orgos.escalation.task;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Every second, moves overdue escalations up their chain or expires them. Deadlines live in the
 * database, so they survive restarts; replicas share the work without moving a task twice.
 */
@ApplicationScoped
public class DeadlineSweeper {
    private static final Logger LOG = Logger.getLogger(DeadlineSweeper.class);

    @Inject
    EscalationDesk desk;

    @Scheduled(every = "${orgos.escalation.deadline-check-interval:1s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    public Uni<Void> tick() {
        return sweepAll().onFailure().invoke(e -> LOG.warnf("Deadline check failed, will try again: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Sweeps page after page until nothing overdue is left. */
    public Uni<Void> sweepAll() {
        return desk.sweep().chain(n -> n == 100 ? sweepAll() : Uni.createFrom().voidItem());
    }
}
