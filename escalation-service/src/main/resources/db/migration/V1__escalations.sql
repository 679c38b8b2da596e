-- One task per escalated action, whatever the redeliveries (unique action_id).
CREATE TABLE escalation_task (
    id                  UUID PRIMARY KEY,
    action_id           VARCHAR(128) NOT NULL UNIQUE,
    agent_id            VARCHAR(128) NOT NULL,
    action_type         VARCHAR(200) NOT NULL,
    action_json         TEXT         NOT NULL,
    pathway_id          VARCHAR(128),
    anchor              VARCHAR(128) NOT NULL,
    level               INT          NOT NULL,
    assignee            VARCHAR(128),
    required_approvals  INT          NOT NULL,
    status              VARCHAR(16)  NOT NULL,
    escalation_reason   TEXT         NOT NULL,
    fired_rules_json    TEXT         NOT NULL,
    charter_version     BIGINT       NOT NULL,
    charter_digest      VARCHAR(80)  NOT NULL,
    trace_id            VARCHAR(32),
    acknowledge_by      TIMESTAMPTZ  NOT NULL,
    resolve_by          TIMESTAMPTZ  NOT NULL,
    created_at          TIMESTAMPTZ  NOT NULL,
    updated_at          TIMESTAMPTZ  NOT NULL,
    resolved_at         TIMESTAMPTZ,
    resolution_reason   TEXT,
    version             BIGINT       NOT NULL DEFAULT 0
);
CREATE INDEX escalation_task_queue ON escalation_task (status, anchor, acknowledge_by);
CREATE INDEX escalation_task_assignee ON escalation_task (assignee, status);

-- Distinct humans who approved: four-eyes needs two rows.
CREATE TABLE task_approval (
    task_id     UUID         NOT NULL REFERENCES escalation_task (id),
    approver    VARCHAR(128) NOT NULL,
    approved_at TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (task_id, approver)
);

CREATE TABLE task_history (
    id        BIGSERIAL PRIMARY KEY,
    task_id   UUID         NOT NULL REFERENCES escalation_task (id),
    at        TIMESTAMPTZ  NOT NULL,
    kind      VARCHAR(32)  NOT NULL,
    actor     VARCHAR(128),
    detail    TEXT
);
CREATE INDEX task_history_task ON task_history (task_id, id);

-- Transactional outbox: events are written with the state change, in one database
-- transaction, and relayed to Kafka afterwards; nothing is lost if the service dies between.
CREATE TABLE outbox (
    id          BIGSERIAL PRIMARY KEY,
    topic       VARCHAR(128) NOT NULL,
    record_key  VARCHAR(128) NOT NULL,
    record_type VARCHAR(200) NOT NULL,
    payload     BYTEA        NOT NULL,
    trace_id    VARCHAR(32),
    created_at  TIMESTAMPTZ  NOT NULL,
    sent_at     TIMESTAMPTZ
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
