DROP INDEX "tasks_user_trgm_idx";--> statement-breakpoint
CREATE INDEX "tasks_user_title_trgm_idx" ON "tasks" USING gin ("user_id",title gin_trgm_ops);