ALTER TABLE "tasks" drop column "search";
--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('simple'::regconfig, title), 'A') || setweight(to_tsvector('simple'::regconfig, description), 'B')) STORED;
--> statement-breakpoint
-- Dropping the column dropped its index: recreate it (drizzle does not see that).
CREATE INDEX IF NOT EXISTS "tasks_user_search_idx" ON "tasks" USING gin ("user_id","search");
