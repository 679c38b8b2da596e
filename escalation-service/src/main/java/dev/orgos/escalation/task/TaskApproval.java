package dev.orgos.escalation.task;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

@Entity
@Table(name = "task_approval")
@IdClass(TaskApproval.Key.class)
public class TaskApproval extends PanacheEntityBase {
    @Id
    @Column(name = "task_id")
    public UUID taskId;
    @Id
    public String approver;
    @Column(name = "approved_at")
    public Instant approvedAt;

    public static class Key implements Serializable {
        public UUID taskId;
        public String approver;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(taskId, k.taskId) && Objects.equals(approver, k.approver);
        }

        @Override
        public int hashCode() {
            return Objects.hash(taskId, approver);
        }
    }
}
