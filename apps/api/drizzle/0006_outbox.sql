ALTER TABLE "task_activity" ADD COLUMN "published_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "task_activity_unpublished_idx" ON "task_activity" USING btree ("seq") WHERE published_at is null;--> statement-breakpoint
-- Changes made before the outbox existed are history, not pending events.
UPDATE "task_activity" SET "published_at" = "created_at" WHERE "published_at" IS NULL;
