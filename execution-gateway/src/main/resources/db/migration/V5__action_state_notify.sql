-- Every change that a waiting worker cares about (a verdict, an outcome) is announced on the
-- channel orgos_action_state with the action id, at commit. Every gateway replica listens, so a
-- long poll or an event stream on any replica answers the moment the state changes, whichever
-- replica's verdict consumer wrote it. The table stays the truth: a missed notice only delays.
CREATE FUNCTION notify_action_state() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('orgos_action_state', NEW.action_id);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER action_state_changed AFTER UPDATE ON action_state
    FOR EACH ROW EXECUTE FUNCTION notify_action_state();

-- a verdict can arrive before the acceptance is recorded; a plain acceptance (PENDING) is news to nobody
CREATE TRIGGER action_state_decided AFTER INSERT ON action_state
    FOR EACH ROW WHEN (NEW.status <> 'PENDING') EXECUTE FUNCTION notify_action_state();
