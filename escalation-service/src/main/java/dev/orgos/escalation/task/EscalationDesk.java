package dev.orgos.escalation.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orgos.escalation.charter.AnchorDirectory;
import dev.orgos.escalation.charter.EscalationConfig;
import dev.orgos.escalation.outbox.Outbox;
import dev.orgos.governance.charter.Anchor;
import dev.orgos.schema.EscalationRaised;
import dev.orgos.schema.FactType;
import dev.orgos.schema.Resolution;
import dev.orgos.schema.Topics;
import dev.orgos.schema.VerdictStatus;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Every change to a task happens here, in one database transaction together with the events it
 * causes (written to the outbox). The relay publishes them afterwards.
 */
@ApplicationScoped
public class EscalationDesk {
    private static final Logger LOG = Logger.getLogger(EscalationDesk.class);

    @Inject
    AnchorDirectory anchors;
    @Inject
    Outbox outbox;
    @Inject
    EscalationConfig config;
    @Inject
    ObjectMapper json;
    @Inject
    dev.orgos.escalation.outbox.OutboxRelay relay;

    @Inject
    EscalationClock clock;
    @Inject
    dev.orgos.escalation.notify.Notifications notifications;
    @Inject
    dev.orgos.escalation.metrics.EscalationMetrics metrics;

    /** One escalation request as it arrived, with the trace it belongs to. */
    public record Request(EscalationRaised raised, String traceId) {
    }

    /**
     * Opens the tasks for a batch of escalated actions in one transaction, each once: a
     * redelivered request (already a task, or twice in the batch) changes nothing.
     */
    public Uni<Void> openAll(java.util.List<Request> requests) {
        java.util.List<EscalationTask> opened = new java.util.ArrayList<>();
        java.util.List<String> ids = requests.stream().map(r -> r.raised().getActionId()).distinct().toList();
        return committed(() -> EscalationTask.<EscalationTask>list("actionId in ?1", ids).chain(existing -> {
            java.util.Set<String> known = new java.util.HashSet<>();
            existing.forEach(t -> known.add(t.actionId));
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Request r : requests) {
                if (!known.add(r.raised().getActionId())) {
                    LOG.debugf("Escalation for action %s is already open; redelivery ignored", r.raised().getActionId());
                    continue;
                }
                chain = chain.chain(() -> openOne(r.raised(), r.traceId()).invoke(opened::add).replaceWithVoid());
            }
            return chain;
        })).invoke(() -> {
            if (!opened.isEmpty()) {
                LOG.infof("Opened %d escalation%s (%s)", opened.size(), opened.size() == 1 ? "" : "s", opened.size() <= 3
                        ? String.join("; ", opened.stream().map(t -> t.actionType + " by " + t.agentId + " -> "
                                + (t.assignee == null ? t.anchor : t.assignee + " (" + t.anchor + ")") + ", acknowledge by " + t.acknowledgeBy).toList())
                        : "first: " + opened.get(0).actionType + " by " + opened.get(0).agentId);
            }
            opened.forEach(metrics::opened);
            opened.forEach(t -> notify("ASSIGNED", t, "New escalation: " + t.actionType + " by " + t.agentId + ". " + t.escalationReason));
        });
    }

    /** Opens the task for an escalated action, once: a redelivered request changes nothing. */
    public Uni<Void> open(EscalationRaised r, String traceId) {
        return openAll(java.util.List.of(new Request(r, traceId)));
    }

    private Uni<EscalationTask> openOne(EscalationRaised r, String traceId) {
        Instant now = clock.instant();
        Anchor anchor = anchors.anchor(r.getAnchor().getRole());
        EscalationTask t = new EscalationTask();
        t.id = UUID.randomUUID();
        t.actionId = r.getActionId();
        t.agentId = r.getAgentId();
        t.actionType = r.getAction().getActionType();
        t.actionJson = r.getAction().toString();
        t.pathwayId = r.getPathwayId();
        t.anchor = anchor.id();
        t.level = 0;
        t.assignee = anchor.onCallAt(now);
        t.requiredApprovals = Math.max(1, r.getRequiredApprovals());
        t.status = TaskStatus.OPEN;
        t.escalationReason = r.getReason();
        t.firedRulesJson = firedRules(r);
        t.charterVersion = r.getCharterVersion();
        t.charterDigest = r.getCharterDigest();
        t.traceId = traceId;
        // deadlines to the second: that is what humans read, and what the ledger records
        t.acknowledgeBy = now.plus(anchor.acknowledgeWithin()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        t.resolveBy = t.acknowledgeBy.plus(anchor.resolveWithin());
        t.createdAt = now;
        t.updatedAt = now;
        String who = t.assignee == null ? "anchor " + t.anchor : t.assignee + " (on call for " + t.anchor + ")";
        return t.persist()
                .chain(() -> TaskHistory.of(t.id, now, "ASSIGNED", t.assignee, "assigned to " + who).persist())
                .chain(() -> outbox.add(Topics.ESCALATION_EVENTS, t.actionId, Events.assigned(t, now), traceId))
                .chain(() -> outbox.add(Topics.VERDICTS, t.actionId, Events.escalatedVerdict(t, now), traceId))
                .chain(() -> outbox.add(Topics.FACTS, t.actionId, Events.fact(t, FactType.ESCALATION_ASSIGNED, t.assignee,
                        "Escalation of " + t.actionType + " by " + t.agentId + " assigned to " + who
                                + ", to be acknowledged by " + t.acknowledgeBy,
                        Map.of("escalationId", t.id.toString(), "level", "0", "acknowledgeBy", t.acknowledgeBy.toString(),
                                "resolveBy", t.resolveBy.toString()), config.source(), now), traceId))
                .invoke(() -> LOG.debugf("Escalation %s opened for action %s (%s by %s): assigned to %s, acknowledge by %s",
                        t.id, t.actionId, t.actionType, t.agentId, who, t.acknowledgeBy))
                .replaceWith(t);
    }

    private void notify(String kind, EscalationTask t, String summary) {
        notifications.send(new dev.orgos.escalation.notify.Notification(kind, t.id.toString(), t.actionId, t.actionType, t.agentId,
                t.anchor, t.assignee, t.level, t.currentDeadline(), summary));
    }

    /**
     * Moves every overdue task on: not acknowledged by its deadline, or acknowledged and not
     * resolved by its deadline, it goes to the next anchor of the chain; past the last level it
     * EXPIRES and the agent is told no. Silence is never consent. Rows are claimed with FOR
     * UPDATE SKIP LOCKED, so replicas never move the same task twice.
     *
     * @return how many tasks were moved (at most one page)
     */
    public Uni<Integer> sweep() {
        Instant now = clock.instant();
        java.util.List<EscalationTask> moved = new java.util.ArrayList<>();
        java.util.List<String[]> breaches = new java.util.ArrayList<>();
        return committed(() -> Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT * FROM escalation_task
                        WHERE (status = 'OPEN' AND acknowledge_by <= :now) OR (status = 'ACKNOWLEDGED' AND resolve_by <= :now)
                        ORDER BY acknowledge_by LIMIT 100 FOR UPDATE SKIP LOCKED""", EscalationTask.class)
                .setParameter("now", now).getResultList())
                .chain(tasks -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (EscalationTask t : tasks) {
                        String why = t.status == TaskStatus.OPEN ? "nobody acknowledged it by " + t.acknowledgeBy
                                : "it was acknowledged but not decided by " + t.resolveBy;
                        String missed = t.status == TaskStatus.OPEN ? "acknowledge" : "resolve";
                        String anchor = t.anchor;
                        chain = chain.chain(() -> moveUp(t, null, why, now)).invoke(() -> {
                            moved.add(t);
                            breaches.add(new String[] {anchor, missed});
                        });
                    }
                    return chain.replaceWith(tasks.size());
                }))
                .invoke(() -> {
                    breaches.forEach(b -> metrics.deadlineBreached(b[0], b[1]));
                    moved.forEach(metrics::changed);
                })
                .invoke(() -> moved.forEach(t -> notify(t.status == TaskStatus.EXPIRED ? "EXPIRED" : "ESCALATED", t,
                        t.status == TaskStatus.EXPIRED ? "Escalation expired without a decision: the agent was told no"
                                : "Escalated to you: " + t.actionType + " by " + t.agentId + ". " + t.escalationReason)));
    }

    /** To the next anchor of the chain, or EXPIRED past the last one. {@code by} is the human who moved it, or null for a deadline. */
    private Uni<Void> moveUp(EscalationTask t, String by, String why, Instant now) {
        Anchor current = anchors.anchor(t.anchor);
        if (current.escalatesTo() == null) {
            if (by != null) {
                return Uni.createFrom().failure(new IllegalStateException("'" + t.anchor + "' is the top of its chain"));
            }
            return TaskHistory.of(t.id, now, "EXPIRED", null, why + "; '" + t.anchor + "' is the top of the chain").persist()
                    .chain(() -> resolve(t, Resolution.EXPIRED, VerdictStatus.EXPIRED, java.util.List.of(),
                            "No human decided in time (" + why + " at the last level of the chain). Silence is never consent: "
                                    + "the action must not proceed.", now))
                    .replaceWithVoid();
        }
        String from = t.anchor;
        Anchor next = anchors.anchor(current.escalatesTo());
        t.anchor = next.id();
        t.level++;
        t.assignee = next.onCallAt(now);
        t.status = TaskStatus.OPEN;
        t.acknowledgeBy = now.plus(next.acknowledgeWithin()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        t.resolveBy = t.acknowledgeBy.plus(next.resolveWithin());
        t.updatedAt = now;
        String to = t.assignee == null ? "anchor " + t.anchor : t.assignee + " (on call for " + t.anchor + ")";
        String because = by == null ? why : "moved up the chain by " + by + (why == null ? "" : ": " + why);
        return TaskHistory.of(t.id, now, "ESCALATED", by, "from " + from + " to " + to + " because " + because).persist()
                .chain(() -> outbox.add(Topics.ESCALATION_EVENTS, t.actionId, Events.escalated(t, from, because, now), t.traceId))
                .chain(() -> outbox.add(Topics.ESCALATION_EVENTS, t.actionId, Events.assigned(t, now), t.traceId))
                .chain(() -> outbox.add(Topics.VERDICTS, t.actionId, Events.escalatedVerdict(t, now), t.traceId))
                .chain(() -> outbox.add(Topics.FACTS, t.actionId, Events.fact(t, FactType.ESCALATION_ESCALATED, t.assignee,
                        "Escalation of " + t.actionType + " by " + t.agentId + " moved from " + from + " to " + to + " because " + because,
                        Map.of("escalationId", t.id.toString(), "level", Integer.toString(t.level), "fromAnchor", from,
                                "acknowledgeBy", t.acknowledgeBy.toString()), config.source(), now), t.traceId))
                .invoke(() -> LOG.infof("Escalation %s (action %s) moved from %s to %s (level %d) because %s", t.id, t.actionId, from,
                        to, t.level, because));
    }

    /** Hands the task to another member of its anchor, or up the chain; the caller must hold the authority to act. */
    public Uni<Outcome> reassign(UUID id, Caller caller, String toMember, boolean up, String reason) {
        return act(id, caller, "reassign", t -> {
            Instant now = clock.instant();
            if (up) {
                if (anchors.anchor(t.anchor).escalatesTo() == null) {
                    return Uni.createFrom().item(new Outcome.Conflict("'" + t.anchor + "' is the top of its escalation chain"));
                }
                return moveUp(t, caller.name(), reason, now).replaceWith(new Outcome.Done(t));
            }
            Anchor anchor = anchors.anchor(t.anchor);
            if (toMember == null || !anchor.members().contains(toMember)) {
                return Uni.createFrom().item(new Outcome.Conflict("'" + toMember + "' is not a member of anchor '" + t.anchor
                        + "' (members: " + anchor.members() + ")"));
            }
            String from = t.assignee;
            t.assignee = toMember;
            t.updatedAt = now;
            return TaskHistory.of(t.id, now, "REASSIGNED", caller.name(), "from " + from + " to " + toMember
                            + (reason == null ? "" : ": " + reason)).persist()
                    .chain(() -> outbox.add(Topics.ESCALATION_EVENTS, t.actionId, Events.assigned(t, now), t.traceId))
                    .chain(() -> outbox.add(Topics.FACTS, t.actionId, Events.fact(t, FactType.ESCALATION_ASSIGNED, toMember,
                            caller.name() + " reassigned the escalation of " + t.actionType + " by " + t.agentId + " from " + from + " to "
                                    + toMember, Map.of("escalationId", t.id.toString(), "reassignedBy", caller.name()), config.source(), now),
                            t.traceId))
                    .replaceWith(new Outcome.Done(t));
        }).invoke(o -> {
            if (o instanceof Outcome.Done d) {
                notify(up ? "ESCALATED" : "ASSIGNED", d.task(), "Reassigned to you by " + caller.name() + ": " + d.task().actionType);
            }
        });
    }

    /** A remark on the task's record; anyone who may act on it may comment. */
    public Uni<Outcome> comment(UUID id, Caller caller, String text) {
        return act(id, caller, "comment on", t -> TaskHistory.of(t.id, clock.instant(), "COMMENT", caller.name(), text).persist()
                .replaceWith(new Outcome.Done(t)));
    }

    /** A request this service cannot take is kept on the dead-letter topic, with the reason, and the stream goes on. */
    public Uni<Void> deadLetter(io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata<?, ?> meta, String reason) {
        LOG.warnf("Sending %s-%d@%d to %s: %s", meta.getTopic(), meta.getPartition(), meta.getOffset(),
                Topics.DEAD_LETTERS.topic(), reason);
        var letter = dev.orgos.service.kafka.DeadLettering.letter(config.source(), meta, reason, clock.instant());
        String original = meta.getKey() == null ? "unknown" : meta.getKey().toString();
        // The outbox holds the key in a column of 128 characters, and PostgreSQL's text no NUL: a key that does
        // not fit (perhaps why the request was refused) would have its letter refused too, and intake stop. The
        // letter keeps it whole.
        String key = original.length() > 128 || original.indexOf('\0') >= 0 ? "unfit-key" : original;
        return committed(() -> outbox.add(Topics.DEAD_LETTERS, key, letter, null));
    }

    public Uni<Outcome> acknowledge(UUID id, Caller caller) {
        return act(id, caller, "acknowledge", t -> {
            if (t.status != TaskStatus.OPEN) {
                return Uni.createFrom().item(new Outcome.Conflict("the escalation is " + t.status + ", not waiting for acknowledgement"));
            }
            return acknowledged(t, caller, clock.instant(), null);
        }).invoke(o -> {
            if (o instanceof Outcome.Done d) {
                metrics.acknowledged(d.task(), d.task().updatedAt);
            }
        });
    }

    /**
     * Marks an open task acknowledged by {@code caller}, with its event and ledger fact;
     * {@code approval} ("1 of 2") when an approval short of the pathway's count is what acknowledges it.
     */
    private Uni<Outcome> acknowledged(EscalationTask t, Caller caller, Instant now, String approval) {
        t.status = TaskStatus.ACKNOWLEDGED;
        t.resolveBy = now.plus(anchors.anchor(t.anchor).resolveWithin()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        t.updatedAt = now;
        Map<String, String> details = new LinkedHashMap<>();
        details.put("escalationId", t.id.toString());
        details.put("resolveBy", t.resolveBy.toString());
        if (approval != null) {
            details.put("approval", approval);
        }
        String what = approval == null ? " acknowledged the escalation of " : " approved (" + approval + ") and so acknowledged the escalation of ";
        return TaskHistory.of(t.id, now, "ACKNOWLEDGED", caller.name(), "acknowledged" + (approval == null ? "" : " by approving")
                        + "; resolve by " + t.resolveBy).persist()
                .chain(() -> outbox.add(Topics.ESCALATION_EVENTS, t.actionId, Events.acknowledged(t, caller.name(), now), t.traceId))
                .chain(() -> outbox.add(Topics.FACTS, t.actionId, Events.fact(t, FactType.ESCALATION_ACKNOWLEDGED, caller.name(),
                        caller.name() + what + t.actionType + " by " + t.agentId, details, config.source(), now), t.traceId))
                .replaceWith(new Outcome.Done(t));
    }

    /**
     * One approval; the task is APPROVED once it has as many distinct approvers as its pathway needs.
     * One short of that on an open task acknowledges it, in the ledger too: it is an answer, and the
     * deadline to acknowledge must not move the task up the chain "because nobody acknowledged it".
     */
    public Uni<Outcome> approve(UUID id, Caller caller, String reason) {
        // whether this approval is what acknowledged the task: then it is timed as an acknowledgement too
        java.util.concurrent.atomic.AtomicBoolean acknowledging = new java.util.concurrent.atomic.AtomicBoolean();
        return act(id, caller, "approve", t -> TaskApproval.<TaskApproval>list("taskId", t.id).chain(approvals -> {
            acknowledging.set(false);
            if (approvals.stream().anyMatch(a -> a.approver.equals(caller.name()))) {
                return Uni.createFrom().item(new Outcome.Conflict(caller.name() + " has already approved; "
                        + (t.requiredApprovals - approvals.size()) + " more distinct approver(s) needed"));
            }
            Instant now = clock.instant();
            TaskApproval a = new TaskApproval();
            a.taskId = t.id;
            a.approver = caller.name();
            a.approvedAt = now;
            List<String> approvers = new java.util.ArrayList<>(approvals.stream().map(x -> x.approver).toList());
            approvers.add(caller.name());
            Uni<Void> recorded = a.persist().chain(() -> TaskHistory.of(t.id, now, "APPROVED_BY", caller.name(),
                    "approval " + approvers.size() + " of " + t.requiredApprovals + (reason == null ? "" : ": " + reason)).persist())
                    .replaceWithVoid();
            if (approvers.size() < t.requiredApprovals) {
                t.updatedAt = now;
                String approval = approvers.size() + " of " + t.requiredApprovals;
                acknowledging.set(t.status == TaskStatus.OPEN);
                return t.status == TaskStatus.OPEN ? recorded.chain(() -> acknowledged(t, caller, now, approval))
                        : recorded.replaceWith(new Outcome.Done(t));
            }
            return recorded.chain(() -> resolve(t, Resolution.APPROVED, VerdictStatus.APPROVED, approvers,
                    reason == null ? "Approved by " + String.join(" and ", approvers) : reason, now));
        })).invoke(o -> {
            if (acknowledging.get() && o instanceof Outcome.Done d) {
                metrics.acknowledged(d.task(), d.task().updatedAt);
            }
            resolvedMetrics(o);
        });
    }

    private void resolvedMetrics(Outcome o) {
        if (o instanceof Outcome.Done d) {
            metrics.changed(d.task());
        }
    }

    public Uni<Outcome> reject(UUID id, Caller caller, String reason) {
        return act(id, caller, "reject", t -> {
            Instant now = clock.instant();
            return TaskHistory.of(t.id, now, "REJECTED_BY", caller.name(), reason).persist()
                    .chain(() -> resolve(t, Resolution.REJECTED, VerdictStatus.REJECTED, List.of(caller.name()), reason, now));
        }).invoke(this::resolvedMetrics);
    }

    /**
     * Resolves the task, with its events, verdict and ledger facts. A rejection or expiry of a task
     * some approved already names them in its fact ({@code approvedBeforehand}): their approvals are
     * decisions too, and the ledger is where auditors look for them.
     */
    private Uni<Outcome> resolve(EscalationTask t, Resolution resolution, VerdictStatus verdict, List<String> deciders,
                                 String reason, Instant now) {
        if (resolution == Resolution.APPROVED) {
            return resolve(t, resolution, verdict, deciders, reason, now, List.of());
        }
        return TaskApproval.<TaskApproval>list("taskId", t.id)
                .chain(approvals -> resolve(t, resolution, verdict, deciders, reason, now, approvals.stream().map(a -> a.approver).toList()));
    }

    private Uni<Outcome> resolve(EscalationTask t, Resolution resolution, VerdictStatus verdict, List<String> deciders,
                                 String reason, Instant now, List<String> approvedBeforehand) {
        t.status = TaskStatus.valueOf(resolution.name());
        t.resolvedAt = now;
        t.updatedAt = now;
        t.resolutionReason = reason;
        String decided = resolution == Resolution.EXPIRED
                ? "Escalation of " + t.actionType + " by " + t.agentId + " expired at anchor " + t.anchor + ": " + reason
                : "Escalation of " + t.actionType + " by " + t.agentId + " " + resolution.name().toLowerCase()
                        + " by " + String.join(" and ", deciders) + " (" + t.anchor + "): " + reason;
        Map<String, String> details = new LinkedHashMap<>();
        details.put("escalationId", t.id.toString());
        details.put("resolution", resolution.name());
        details.put("decidedBy", String.join(",", deciders));
        details.put("reason", reason);
        if (!approvedBeforehand.isEmpty()) {
            details.put("approvedBeforehand", String.join(",", approvedBeforehand));
        }
        String summary = approvedBeforehand.isEmpty() ? decided : decided + " (approved beforehand by "
                + String.join(" and ", approvedBeforehand) + ", " + approvedBeforehand.size() + " of " + t.requiredApprovals + ")";
        String person = deciders.isEmpty() ? null : deciders.get(deciders.size() - 1);
        return outbox.add(Topics.ESCALATION_EVENTS, t.actionId, Events.resolved(t, resolution, deciders, reason, now), t.traceId)
                .chain(() -> outbox.add(Topics.FACTS, t.actionId,
                        Events.fact(t, FactType.ESCALATION_RESOLVED, person, summary, details, config.source(), now), t.traceId))
                .chain(() -> outbox.add(Topics.VERDICTS, t.actionId, Events.finalVerdict(t, verdict, deciders, reason, now), t.traceId))
                .chain(() -> outbox.add(Topics.FACTS, t.actionId, Events.fact(t, FactType.VERDICT_ISSUED, person,
                        "Verdict " + verdict + " sent to agent " + t.agentId + " for " + t.actionType, Map.of("status", verdict.name()),
                        config.source(), now), t.traceId))
                .invoke(() -> LOG.infof("%s", summary))
                .replaceWith(new Outcome.Done(t));
    }

    /**
     * Loads the task, checks the caller's authority and runs the change, all in one transaction.
     * A refusal is committed as a ledger fact in a transaction of its own, since the change is not.
     */
    private Uni<Outcome> act(UUID id, Caller caller, String verb, java.util.function.Function<EscalationTask, Uni<Outcome>> change) {
        return committed(() -> EscalationTask.<EscalationTask>findById(id).chain(t -> {
            if (t == null) {
                return Uni.createFrom().item((Outcome) new Outcome.NotFound());
            }
            String refusal = Authority.refusal(t, caller);
            if (refusal != null) {
                return Uni.createFrom().item((Outcome) new Outcome.Refused(refusal));
            }
            if (!t.status.isOpen() && !"comment on".equals(verb)) {
                return Uni.createFrom().item((Outcome) new Outcome.Conflict("the escalation is already " + t.status));
            }
            return change.apply(t);
        })).call(outcome -> outcome instanceof Outcome.Refused r ? recordRefusal(id, caller, verb, r.why()) : Uni.createFrom().voidItem());
    }

    private Uni<Void> recordRefusal(UUID id, Caller caller, String verb, String why) {
        return committed(() -> EscalationTask.<EscalationTask>findById(id).chain(t -> {
            Instant now = clock.instant();
            LOG.warnf("Refused: %s tried to %s escalation %s (action %s): %s", caller.name(), verb, id, t.actionId, why);
            return TaskHistory.of(t.id, now, "REFUSED", caller.name(), verb + " refused: " + why).persist()
                    .chain(() -> outbox.add(Topics.FACTS, t.actionId, Events.fact(t, FactType.AUTHORIZATION_REFUSED, null,
                            caller.name() + (caller.isAgent() ? " (an agent)" : "") + " tried to " + verb + " the escalation of "
                                    + t.actionType + " by " + t.agentId + " and was refused: " + why,
                            Map.of("escalationId", t.id.toString(), "actor", caller.name(), "attempted", verb,
                                    "actorIsAgent", String.valueOf(caller.isAgent())), config.source(), now), t.traceId));
        }));
    }

    /** Runs the work in one transaction and, once it is committed, has the outbox published. */
    private <T> Uni<T> committed(java.util.function.Supplier<Uni<T>> work) {
        return Panache.withTransaction(work).invoke(() -> relay.kick());
    }

    private String firedRules(EscalationRaised r) {
        try {
            return json.writeValueAsString(r.getFiredRules().stream()
                    .map(f -> Map.of("ruleId", f.getRuleId(), "kind", f.getKind(), "explanation", f.getExplanation())).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
