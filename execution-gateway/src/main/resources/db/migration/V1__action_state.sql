-- The state of every action as the worker sees it. Written from the verdicts topic (and on
-- acceptance), read by any gateway replica: nothing lives only in one instance's memory.
CREATE TABLE action_state (
    action_id        VARCHAR(128) PRIMARY KEY,
    agent_id         VARCHAR(128) NOT NULL,
    action_type      VARCHAR(200) NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    anchor           VARCHAR(128),
    decided_by       TEXT,
    reason           TEXT,
    deadline         TIMESTAMPTZ,
    charter_version  BIGINT,
    trace_id         VARCHAR(32),
    submitted_at     TIMESTAMPTZ  NOT NULL,
    updated_at       TIMESTAMPTZ  NOT NULL
);
CREATE INDEX action_state_agent ON action_state (agent_id, submitted_at);
