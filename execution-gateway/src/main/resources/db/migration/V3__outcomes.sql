-- What the worker reported it did, once.
ALTER TABLE action_state ADD COLUMN outcome VARCHAR(16);
ALTER TABLE action_state ADD COLUMN outcome_summary TEXT;
ALTER TABLE action_state ADD COLUMN outcome_at TIMESTAMPTZ;
