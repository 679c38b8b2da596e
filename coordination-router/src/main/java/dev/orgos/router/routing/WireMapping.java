package dev.orgos.router.routing;

import dev.orgos.governance.decision.Decision;
import dev.orgos.governance.decision.ProposedAction;
import dev.orgos.schema.AccountabilityFact;
import dev.orgos.schema.ActionProposed;
import dev.orgos.schema.AnchorRef;
import dev.orgos.schema.DecisionOutcome;
import dev.orgos.schema.EscalationRaised;
import dev.orgos.schema.FactType;
import dev.orgos.schema.FiredRule;
import dev.orgos.schema.RoutingDecision;
import dev.orgos.schema.Verdict;
import dev.orgos.schema.VerdictStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Between wire types and the governance core: the only place that knows both. */
final class WireMapping {
    private WireMapping() {
    }

    static ProposedAction toCore(ActionProposed a) {
        return new ProposedAction(a.getActionId(), a.getAgentId(), a.getActionType(), a.getAmount(), a.getConfidence(),
                a.getRiskScore(), a.getReversible(), a.getTargetSystem(), a.getParameters()); // null values dropped there
    }

    static RoutingDecision decision(ActionProposed a, Decision d, Instant now) {
        return RoutingDecision.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setActionId(a.getActionId())
                .setAgentId(a.getAgentId())
                .setOccurredAt(now)
                .setOutcome(DecisionOutcome.valueOf(d.outcome().name()))
                .setPathwayId(d.pathwayId())
                .setAnchor(anchor(d))
                .setRequiredApprovals(d.requiredApprovals())
                .setFiredRules(rules(d))
                .setReason(d.reason())
                .setCharterVersion(d.charterVersion())
                .setCharterDigest(d.charterDigest())
                .build();
    }

    static EscalationRaised escalation(ActionProposed a, Decision d, Instant now) {
        return EscalationRaised.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setActionId(a.getActionId())
                .setAgentId(a.getAgentId())
                .setOccurredAt(now)
                .setAnchor(anchor(d))
                .setPathwayId(d.pathwayId())
                .setRequiredApprovals(d.requiredApprovals())
                .setAction(a)
                .setFiredRules(rules(d))
                .setReason(d.reason())
                .setCharterVersion(d.charterVersion())
                .setCharterDigest(d.charterDigest())
                .build();
    }

    static Verdict verdict(ActionProposed a, Decision d, Instant now) {
        VerdictStatus status = switch (d.outcome()) {
            case AUTONOMOUS -> VerdictStatus.AUTONOMOUS;
            case ESCALATE -> VerdictStatus.ESCALATED;
            case REJECT -> VerdictStatus.REJECTED;
        };
        return Verdict.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setActionId(a.getActionId())
                .setAgentId(a.getAgentId())
                .setOccurredAt(now)
                .setStatus(status)
                .setAnchor(anchor(d))
                .setReason(d.reason())
                .setCharterVersion(d.charterVersion())
                .build();
    }

    static AccountabilityFact decidedFact(ActionProposed a, Decision d, Instant now, String source, String traceId) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("outcome", d.outcome().name());
        details.put("actionType", a.getActionType());
        if (a.getAmount() != null) {
            details.put("amount", String.valueOf(a.getAmount()));
        }
        details.put("requiredApprovals", String.valueOf(d.requiredApprovals()));
        for (var r : d.firedRules()) {
            details.put("rule." + r.ruleId(), r.explanation());
        }
        return AccountabilityFact.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setActionId(a.getActionId())
                .setAgentId(a.getAgentId())
                .setOccurredAt(now)
                .setFactType(FactType.ACTION_DECIDED)
                .setSource(source)
                .setAnchor(anchor(d))
                .setPathwayId(d.pathwayId())
                .setCharterVersion(d.charterVersion())
                .setCharterDigest(d.charterDigest())
                .setTraceId(traceId)
                .setSummary(switch (d.outcome()) {
                    case AUTONOMOUS -> "Action " + a.getActionType() + " by " + a.getAgentId() + " may proceed autonomously: " + d.reason();
                    case ESCALATE -> "Action " + a.getActionType() + " by " + a.getAgentId() + " escalated to " + d.anchor() + ": " + d.reason();
                    case REJECT -> "Action " + a.getActionType() + " by " + a.getAgentId() + " rejected: " + d.reason();
                })
                .setDetails(details)
                .build();
    }

    private static AnchorRef anchor(Decision d) {
        return AnchorRef.newBuilder().setRole(d.anchor()).setPerson(null).build();
    }

    private static List<FiredRule> rules(Decision d) {
        return d.firedRules().stream()
                .map(r -> FiredRule.newBuilder().setRuleId(r.ruleId()).setKind(r.kind().name()).setExplanation(r.explanation()).build())
                .toList();
    }
}
