-- Whether a job's file entry is enabled, as the replicas last loaded it. Like a pause, enabling a job
-- moves updated_at (the instant its schedule is planned from), so the instants that passed while it was
-- disabled never fire, whatever its misfire policy.
ALTER TABLE schedule_state ADD COLUMN enabled boolean NOT NULL DEFAULT true;
