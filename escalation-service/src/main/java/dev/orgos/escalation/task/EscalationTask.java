package dev.orgos.escalation.task;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/** One escalated action waiting for, or decided by, a human. */
@Entity
@Table(name = "escalation_task")
public class EscalationTask extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "action_id")
    public String actionId;
    @Column(name = "agent_id")
    public String agentId;
    @Column(name = "action_type")
    public String actionType;
    @Column(name = "action_json")
    public String actionJson;
    @Column(name = "pathway_id")
    public String pathwayId;
    public String anchor;
    public int level;
    public String assignee;
    @Column(name = "required_approvals")
    public int requiredApprovals;
    @Enumerated(EnumType.STRING)
    public TaskStatus status;
    @Column(name = "escalation_reason")
    public String escalationReason;
    @Column(name = "fired_rules_json")
    public String firedRulesJson;
    @Column(name = "charter_version")
    public long charterVersion;
    @Column(name = "charter_digest")
    public String charterDigest;
    @Column(name = "trace_id")
    public String traceId;
    @Column(name = "acknowledge_by")
    public Instant acknowledgeBy;
    @Column(name = "resolve_by")
    public Instant resolveBy;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "resolved_at")
    public Instant resolvedAt;
    @Column(name = "resolution_reason")
    public String resolutionReason;
    /** Optimistic lock: two humans deciding at once cannot both win. */
    @Version
    public long version;

    public static Uni<EscalationTask> findByAction(String actionId) {
        return find("actionId", actionId).firstResult();
    }

    /** The deadline that matters now: acknowledgement while open, resolution once acknowledged. */
    public Instant currentDeadline() {
        return status == TaskStatus.OPEN ? acknowledgeBy : resolveBy;
    }
}
