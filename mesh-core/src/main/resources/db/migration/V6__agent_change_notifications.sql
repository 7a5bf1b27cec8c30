-- Replicas of mesh-api authenticate agent tokens from memory. Every change of an agent's status (revoked,
-- unhealthy, disconnected, connected again) and every removal notifies them, in the transaction that
-- makes the change: the notification is delivered when it commits, and each replica drops what it holds
-- of that agent. The payload is the agent id.

CREATE FUNCTION mesh_notify_agent_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('mesh_agent_changed', OLD.id::text);
    RETURN NULL;
END $$;

CREATE TRIGGER agent_changed_notify AFTER UPDATE OF status, token_hash OR DELETE ON agent
    FOR EACH ROW EXECUTE FUNCTION mesh_notify_agent_changed();
