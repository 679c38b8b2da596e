package dev.orgos.escalation.task;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

@Entity
@Table(name = "task_history")
public class TaskHistory extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "task_id")
    public UUID taskId;
    public Instant at;
    public String kind;
    public String actor;
    public String detail;

    public static TaskHistory of(UUID taskId, Instant at, String kind, String actor, String detail) {
        TaskHistory h = new TaskHistory();
        h.taskId = taskId;
        h.at = at;
        h.kind = kind;
        h.actor = actor;
        h.detail = detail;
        return h;
    }
}
