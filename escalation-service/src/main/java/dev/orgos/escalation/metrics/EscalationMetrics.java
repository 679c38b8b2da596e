package dev.orgos.escalation.metrics;

import dev.orgos.escalation.task.EscalationTask;
import dev.orgos.escalation.task.TaskStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;

/**
 * What an on-call lead watches: escalations opened per anchor, how long humans take to
 * acknowledge and to resolve, and deadlines missed. Recorded after the database commit, so a
 * rolled-back change is never counted. Tags are anchors and outcomes: bounded by the charter.
 */
@ApplicationScoped
public class EscalationMetrics {

    @Inject
    MeterRegistry registry;

    public void opened(EscalationTask t) {
        Counter.builder("orgos.escalations.opened").description("Escalations opened for a human anchor")
                .tag("anchor", t.anchor).register(registry).increment();
    }

    public void acknowledged(EscalationTask t, Instant at) {
        Timer.builder("orgos.escalation.time.to.acknowledge").description("From opening to a human's acknowledgement")
                .tag("anchor", t.anchor).publishPercentileHistogram().register(registry)
                .record(Duration.between(t.createdAt, at));
    }

    /** Called for every committed change; counts only the ones that ended the task. */
    public void changed(EscalationTask t) {
        if (t.status == TaskStatus.APPROVED || t.status == TaskStatus.REJECTED || t.status == TaskStatus.EXPIRED) {
            Timer.builder("orgos.escalation.time.to.resolve").description("From opening to the final verdict")
                    .tag("anchor", t.anchor).tag("resolution", t.status.name()).publishPercentileHistogram().register(registry)
                    .record(Duration.between(t.createdAt, t.resolvedAt == null ? t.updatedAt : t.resolvedAt));
        }
    }

    /** A deadline passed without the human step it waited for. */
    public void deadlineBreached(String anchor, String missed) {
        Counter.builder("orgos.escalation.deadline.breaches").description("Deadlines passed without acknowledgement or decision")
                .tag("anchor", anchor).tag("missed", missed).register(registry).increment();
    }
}
