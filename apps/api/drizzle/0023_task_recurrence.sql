ALTER TABLE "tasks" ADD COLUMN "recurrence" jsonb;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "series_id" uuid;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "occurrence" integer;--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_series_key" ON "tasks" USING btree ("series_id","occurrence") WHERE series_id is not null;--> statement-breakpoint
-- A task given a recurrence starts its series: it is occurrence 1 of the series named by its own id (issue 17 item 1).
CREATE OR REPLACE FUNCTION tasks_series() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.recurrence IS NOT NULL AND NEW.series_id IS NULL THEN
    NEW.series_id := NEW.id;
    NEW.occurrence := 1;
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER tasks_series BEFORE INSERT OR UPDATE OF recurrence ON tasks FOR EACH ROW EXECUTE FUNCTION tasks_series();
