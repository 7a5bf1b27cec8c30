-- Wake-ups without polling: a LISTENing relay learns that outbox rows were committed, and long-polling
-- claimers learn that a task became ready in a pool. NOTIFY is transactional: it is delivered on commit
-- and coalesced within a transaction, so a batch of a thousand rows sends one notification.

CREATE FUNCTION mesh_notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('mesh_outbox', '');
    RETURN NULL;
END $$;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION mesh_notify_outbox();

CREATE FUNCTION mesh_notify_ready() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('mesh_task_ready', NEW.pool);
    RETURN NULL;
END $$;

CREATE TRIGGER task_ready_notify AFTER INSERT OR UPDATE OF status ON task
    FOR EACH ROW WHEN (NEW.status = 'ready') EXECUTE FUNCTION mesh_notify_ready();
