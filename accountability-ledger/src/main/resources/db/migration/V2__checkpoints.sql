-- Signed checkpoints, one per tree size; append-only like the entries.
CREATE TABLE ledger_checkpoint (
    tree_size       BIGINT PRIMARY KEY,
    root_hash       BYTEA       NOT NULL,
    timestamp_millis BIGINT     NOT NULL,
    signature       BYTEA       NOT NULL,
    public_key      BYTEA       NOT NULL
);
CREATE TRIGGER ledger_checkpoint_append_only
    BEFORE UPDATE OR DELETE ON ledger_checkpoint
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_is_append_only();

-- The role the service should run as in production: it may read and append, never change or
-- delete (the triggers refuse that anyway, for every role). Grant it LOGIN and a password
-- outside the repository, and point QUARKUS_DATASOURCE_USERNAME at it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'orgos_ledger_appender') THEN
        CREATE ROLE orgos_ledger_appender NOLOGIN;
    END IF;
END
$$;
GRANT SELECT, INSERT ON ledger_entry, ledger_checkpoint TO orgos_ledger_appender;
REVOKE UPDATE, DELETE, TRUNCATE ON ledger_entry, ledger_checkpoint FROM orgos_ledger_appender;
