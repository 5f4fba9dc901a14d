DROP INDEX IF EXISTS "tasks_project_created_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "tasks_project_updated_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "tasks_project_due_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "tasks_project_priority_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "tasks_project_title_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "tasks_project_status_created_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "tasks_project_active_due_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "tasks_project_completed_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "tasks_project_search_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "tasks_project_title_trgm_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "tasks_project_tags_idx";--> statement-breakpoint
-- The tasks indexes: built here only while the table is small (<= 10,000 rows); a bigger table gets them from ensureTaskIndexes (CREATE INDEX CONCURRENTLY, writes go on; docs/operations.md).
DO $$ BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM "tasks" LIMIT 10001) t) <= 10000 THEN
    CREATE INDEX "tasks_project_created_idx" ON "tasks" USING btree ("project_id","created_at","id") WHERE deleted_at is null;
    CREATE INDEX "tasks_project_updated_idx" ON "tasks" USING btree ("project_id","updated_at","id") WHERE deleted_at is null;
    CREATE INDEX "tasks_project_due_idx" ON "tasks" USING btree ("project_id",coalesce(due_date, 'infinity'::timestamptz),"id") WHERE deleted_at is null;
    CREATE INDEX "tasks_project_priority_idx" ON "tasks" USING btree ("project_id","priority_rank","id") WHERE deleted_at is null;
    CREATE INDEX "tasks_project_title_idx" ON "tasks" USING btree ("project_id","title","id") WHERE deleted_at is null;
    CREATE INDEX "tasks_project_status_created_idx" ON "tasks" USING btree ("project_id","status","created_at","id") WHERE deleted_at is null;
    CREATE INDEX "tasks_project_active_due_idx" ON "tasks" USING btree ("project_id","due_date") WHERE status in ('pending', 'in_progress') and due_date is not null and deleted_at is null;
    CREATE INDEX "tasks_project_completed_idx" ON "tasks" USING btree ("project_id","completed_at","created_at") WHERE completed_at is not null and deleted_at is null;
    CREATE INDEX "tasks_project_search_idx" ON "tasks" USING gin ("project_id","search") WHERE deleted_at is null;
    CREATE INDEX "tasks_project_title_trgm_idx" ON "tasks" USING gin ("project_id",title gin_trgm_ops) WHERE deleted_at is null;
    CREATE INDEX "tasks_project_tags_idx" ON "tasks" USING gin ("project_id","tags") WHERE deleted_at is null;
  END IF;
END $$;
