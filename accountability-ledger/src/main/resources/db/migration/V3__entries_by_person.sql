-- People who are not auditors read the entries that name them (their own decisions).
CREATE INDEX ledger_entry_person ON ledger_entry (anchor_person, sequence);
