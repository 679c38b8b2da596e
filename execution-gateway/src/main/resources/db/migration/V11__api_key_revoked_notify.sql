-- Each replica remembers the API keys it has checked, so that an agent's every request is not a
-- query (ApiKeys). A key revoked, or its row changed or deleted, by any replica or by hand, is
-- announced here, and every replica forgets it the moment it hears. Revocations are rare: a
-- trigger per row costs nothing that matters.
CREATE FUNCTION notify_api_key_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('orgos_api_key_changed', OLD.key_id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER api_key_changed AFTER UPDATE OR DELETE ON agent_api_key
    FOR EACH ROW EXECUTE FUNCTION notify_api_key_changed();
