-- A task hard-deleted (the 30-day purge of soft-deleted tasks, or a project's deletion) takes its reminder rows
-- with it, sent ones included: there is no foreign key (tasks_id_key may be built after the migrations on a large
-- table, see ensureTaskIndexes), so this trigger is what keeps task_reminder_schedule from keeping orphans.
CREATE OR REPLACE FUNCTION tasks_reminder_schedule_purge() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM task_reminder_schedule WHERE task_id = OLD.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER tasks_reminder_schedule_delete AFTER DELETE ON tasks FOR EACH ROW
  WHEN (OLD.reminders <> '[]'::jsonb) EXECUTE FUNCTION tasks_reminder_schedule_purge();
