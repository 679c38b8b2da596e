-- An outcome report is published (its ActionOutcome and ledger fact) after it is recorded: false
-- between the two, true after. A replica that stopped in between leaves false, and the report is
-- published by the worker's retry or by any replica's sweep. NULL for reports recorded before this
-- column: each was published before the worker was answered. Adding a column without a default
-- rewrites nothing.
ALTER TABLE action_state ADD COLUMN outcome_published BOOLEAN;
