CREATE TABLE "task_reminder_schedule" (
	"project_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"fire_at" timestamp with time zone NOT NULL,
	"claimed_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "task_reminder_schedule_pkey" PRIMARY KEY("task_id","fire_at")
);
--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "reminders" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
CREATE INDEX "task_reminder_schedule_project_idx" ON "task_reminder_schedule" USING btree ("project_id","task_id");--> statement-breakpoint
CREATE INDEX "task_reminder_schedule_due_idx" ON "task_reminder_schedule" USING btree ("fire_at") WHERE sent_at is null;--> statement-breakpoint
-- Per-task reminders (issue 17 item 2): the fire times of a reminders list for a due date — `at` as given,
-- `before` the due date minus the lead (none without a due date).
CREATE OR REPLACE FUNCTION task_reminder_times(reminders jsonb, due timestamptz) RETURNS SETOF timestamptz
LANGUAGE sql STABLE AS $$
  SELECT DISTINCT CASE WHEN e ? 'at' THEN (e->>'at')::timestamptz ELSE due - (e->>'before')::interval END
  FROM jsonb_array_elements(coalesce(reminders, '[]'::jsonb)) AS e
  WHERE e ? 'at' OR (e ? 'before' AND due IS NOT NULL)
$$;
--> statement-breakpoint
-- Keeps task_reminder_schedule in step with the task in the statement's own transaction, whichever path wrote it:
-- a completed, cancelled or deleted task loses its unsent rows; a live one gets a row per fire time (a fire time
-- more than an hour past when first scheduled is not: it was missed before it existed); rows of fire times that no
-- longer apply (due date moved, reminder removed) go unless already sent; a move carries them to the new project.
CREATE OR REPLACE FUNCTION tasks_reminder_schedule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.project_id IS DISTINCT FROM OLD.project_id AND NEW.project_id IS NOT NULL THEN
    UPDATE task_reminder_schedule SET project_id = NEW.project_id WHERE task_id = NEW.id;
  END IF;
  DELETE FROM task_reminder_schedule s
  WHERE s.task_id = NEW.id AND s.sent_at IS NULL
    AND (NEW.status NOT IN ('pending', 'in_progress') OR NEW.deleted_at IS NOT NULL
         OR s.fire_at NOT IN (SELECT f FROM task_reminder_times(NEW.reminders, NEW.due_date) AS f));
  IF NEW.status IN ('pending', 'in_progress') AND NEW.deleted_at IS NULL AND NEW.project_id IS NOT NULL THEN
    INSERT INTO task_reminder_schedule (project_id, task_id, user_id, fire_at)
    SELECT NEW.project_id, NEW.id, NEW.user_id, f FROM task_reminder_times(NEW.reminders, NEW.due_date) AS f
    WHERE f >= now() - interval '1 hour'
    ON CONFLICT (task_id, fire_at) DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Only tasks that have (or had) reminders pay for it: a task without any skips the function altogether.
CREATE TRIGGER tasks_reminder_schedule_insert AFTER INSERT ON tasks FOR EACH ROW
  WHEN (NEW.reminders <> '[]'::jsonb) EXECUTE FUNCTION tasks_reminder_schedule();
--> statement-breakpoint
CREATE TRIGGER tasks_reminder_schedule_update AFTER UPDATE OF reminders, due_date, status, deleted_at, project_id ON tasks
  FOR EACH ROW WHEN (NEW.reminders <> '[]'::jsonb OR OLD.reminders <> '[]'::jsonb)
  EXECUTE FUNCTION tasks_reminder_schedule();
