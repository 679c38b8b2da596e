-- An outcome report is published (its ActionOutcome and ledger fact) after it is recorded: false
-- between the two, true after. A replica that stopped in between leaves false, and the report is
-- published by the worker's retry or by any replica's sweep. NULL for reports recorded before this
-- column: each was published before the worker was answered.
ALTER TABLE action_state ADD COLUMN outcome_published BOOLEAN;
CREATE INDEX action_state_outcome_unpublished ON action_state (outcome_at) WHERE outcome_published = false;
