-- Changes are now announced by the gateway's own statements: one notice per batch of verdicts,
-- naming its actions separated by spaces, and one per outcome (ActionStore). A notice per row
-- from a trigger cost PostgreSQL about 15 µs of CPU per action under load (docs/benchmarks.md).
-- During a rolling upgrade a replica from before this version does not recognise a notice naming
-- several actions; its long polls then look every second, as when any notice is lost, until it
-- is replaced.
DROP TRIGGER action_state_changed ON action_state;
DROP TRIGGER action_state_decided ON action_state;
DROP FUNCTION notify_action_state();
