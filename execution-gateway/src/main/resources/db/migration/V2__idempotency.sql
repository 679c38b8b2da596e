-- One acceptance per (agent, idempotency key): a retry gets the original answer; the same key
-- with another body is refused. Shared by every gateway replica.
CREATE TABLE idempotency_key (
    agent_id     VARCHAR(128) NOT NULL,
    key          VARCHAR(200) NOT NULL,
    request_hash VARCHAR(64)  NOT NULL,
    action_id    VARCHAR(128) NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (agent_id, key)
);
