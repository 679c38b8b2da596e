-- A submission is now recorded (its claim and its PENDING state) in one commit before it is sent,
-- and whether the broker acknowledged it is noted afterwards, off the worker's path: one commit
-- for the worker to wait for instead of two. A retry of a claim never noted as sent sends again
-- (the router decides an action id once).
ALTER TABLE idempotency_key ADD COLUMN sent BOOLEAN NOT NULL DEFAULT false;
-- before this version, an action_state row meant "on the broker"
UPDATE idempotency_key k SET sent = true WHERE EXISTS (SELECT 1 FROM action_state s WHERE s.action_id = k.action_id);
