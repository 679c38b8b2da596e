-- The queryable copy of the ledger topic. Append-only: the trigger refuses UPDATE and DELETE
-- whatever the role (the topic stays the source of truth; auditors verify against it).
CREATE TABLE ledger_entry (
    sequence         BIGINT PRIMARY KEY,
    sealed_at        TIMESTAMPTZ  NOT NULL,
    fact_event_id    VARCHAR(64)  NOT NULL UNIQUE,
    fact_type        VARCHAR(40)  NOT NULL,
    action_id        VARCHAR(128),
    agent_id         VARCHAR(128),
    anchor_role      VARCHAR(128) NOT NULL,
    anchor_person    VARCHAR(128),
    pathway_id       VARCHAR(128),
    charter_version  BIGINT,
    charter_digest   VARCHAR(80),
    trace_id         VARCHAR(32),
    fact             BYTEA        NOT NULL,
    previous_hash    BYTEA        NOT NULL,
    entry_hash       BYTEA        NOT NULL
);
CREATE INDEX ledger_entry_action ON ledger_entry (action_id, sequence);
CREATE INDEX ledger_entry_agent ON ledger_entry (agent_id, sequence);
CREATE INDEX ledger_entry_anchor ON ledger_entry (anchor_role, sequence);
CREATE INDEX ledger_entry_pathway ON ledger_entry (pathway_id, sequence);
CREATE INDEX ledger_entry_time ON ledger_entry (sealed_at);

CREATE FUNCTION ledger_entry_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the accountability ledger is append-only: % is refused', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_entry_append_only
    BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_is_append_only();
CREATE TRIGGER ledger_entry_no_truncate
    BEFORE TRUNCATE ON ledger_entry
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_is_append_only();
