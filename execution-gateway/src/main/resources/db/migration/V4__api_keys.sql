-- API keys for agents that cannot hold a JWT. Only a hash of each key is kept: a leaked table
-- gives no usable key. Keys are revoked, never deleted, so who held which key stays known.
CREATE TABLE agent_api_key (
    key_id        VARCHAR(32)  PRIMARY KEY,
    agent_id      VARCHAR(200) NOT NULL,
    secret_sha256 BYTEA        NOT NULL,
    description   TEXT,
    created_by    VARCHAR(200) NOT NULL,
    created_at    TIMESTAMPTZ  NOT NULL,
    revoked_by    VARCHAR(200),
    revoked_at    TIMESTAMPTZ
);
CREATE INDEX agent_api_key_agent ON agent_api_key (agent_id);
