package dev.orgos.escalation.task;

import dev.orgos.schema.AccountabilityFact;
import dev.orgos.schema.AnchorRef;
import dev.orgos.schema.EscalationAcknowledged;
import dev.orgos.schema.EscalationAssigned;
import dev.orgos.schema.EscalationEvent;
import dev.orgos.schema.EscalationResolved;
import dev.orgos.schema.FactType;
import dev.orgos.schema.Resolution;
import dev.orgos.schema.Verdict;
import dev.orgos.schema.VerdictStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Wire events about a task: mapping at the edge, in one place. */
final class Events {
    private Events() {
    }

    static EscalationEvent assigned(EscalationTask t, Instant now) {
        return event(t, now, anchor(t.anchor, t.assignee), EscalationAssigned.newBuilder()
                .setAssignee(t.assignee).setAcknowledgeBy(t.acknowledgeBy).setResolveBy(t.resolveBy).build());
    }

    static EscalationEvent escalated(EscalationTask t, String fromAnchor, String why, Instant now) {
        return event(t, now, anchor(t.anchor, t.assignee), dev.orgos.schema.EscalationEscalated.newBuilder()
                .setFromAnchor(fromAnchor).setToAnchor(t.anchor).setWhy(why).build());
    }

    static EscalationEvent acknowledged(EscalationTask t, String by, Instant now) {
        return event(t, now, anchor(t.anchor, by), EscalationAcknowledged.newBuilder().setBy(by).build());
    }

    static EscalationEvent resolved(EscalationTask t, Resolution resolution, List<String> deciders, String reason, Instant now) {
        return event(t, now, anchor(t.anchor, deciders.isEmpty() ? null : deciders.get(deciders.size() - 1)),
                EscalationResolved.newBuilder().setResolution(resolution).setDecidedBy(deciders).setReason(reason).build());
    }

    static Verdict escalatedVerdict(EscalationTask t, Instant now) {
        return Verdict.newBuilder().setEventId(UUID.randomUUID().toString()).setActionId(t.actionId).setAgentId(t.agentId)
                .setOccurredAt(now).setStatus(VerdictStatus.ESCALATED).setAnchor(anchor(t.anchor, t.assignee))
                .setDeadline(t.currentDeadline())
                .setReason("Waiting for " + (t.assignee == null ? "anchor " + t.anchor : t.assignee + " (" + t.anchor + ")")
                        + ": " + stripPeriod(t.escalationReason))
                .setCharterVersion(t.charterVersion).build();
    }

    static Verdict finalVerdict(EscalationTask t, VerdictStatus status, List<String> deciders, String reason, Instant now) {
        return Verdict.newBuilder().setEventId(UUID.randomUUID().toString()).setActionId(t.actionId).setAgentId(t.agentId)
                .setOccurredAt(now).setStatus(status)
                .setAnchor(anchor(t.anchor, deciders.isEmpty() ? null : deciders.get(deciders.size() - 1)))
                .setDecidedBy(deciders).setReason(reason).setCharterVersion(t.charterVersion).build();
    }

    static AccountabilityFact fact(EscalationTask t, FactType type, String person, String summary, Map<String, String> details,
                                   String source, Instant now) {
        return AccountabilityFact.newBuilder().setEventId(UUID.randomUUID().toString()).setActionId(t.actionId)
                .setAgentId(t.agentId).setOccurredAt(now).setFactType(type).setSource(source)
                .setAnchor(anchor(t.anchor, person)).setPathwayId(t.pathwayId).setCharterVersion(t.charterVersion)
                .setCharterDigest(t.charterDigest).setTraceId(t.traceId).setSummary(summary).setDetails(details).build();
    }

    private static EscalationEvent event(EscalationTask t, Instant now, AnchorRef anchor, Object step) {
        return EscalationEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setActionId(t.actionId)
                .setAgentId(t.agentId).setOccurredAt(now).setEscalationId(t.id.toString()).setAnchor(anchor)
                .setLevel(t.level).setStep(step).build();
    }

    private static String stripPeriod(String s) {
        return s != null && s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    static AnchorRef anchor(String role, String person) {
        return AnchorRef.newBuilder().setRole(role).setPerson(person).build();
    }
}
