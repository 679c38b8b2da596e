-- The table is a copy of the ledger topic, and a copy never refuses what the topic holds. Were a
-- fact ever sealed twice, the unique constraint stopped the copy for good at the second entry
-- (every later entry waited behind it); without it the copy goes on and `orgos ledger verify`
-- reports the doubled fact, as it does on the topic. The writer looks ids up here (SealedBefore),
-- so they keep an index.
CREATE INDEX ledger_entry_fact ON ledger_entry (fact_event_id);
ALTER TABLE ledger_entry DROP CONSTRAINT ledger_entry_fact_event_id_key;
