CREATE TABLE "task_comments" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"author_id" uuid,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_comments_pkey" PRIMARY KEY("project_id","id"),
	CONSTRAINT "task_comments_body_check" CHECK (char_length("task_comments"."body") between 1 and 5000)
);
--> statement-breakpoint
ALTER TABLE "task_activity" ADD COLUMN "actor_id" uuid;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "subtask_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "subtask_done_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "task_comments" ADD CONSTRAINT "task_comments_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_comments" ADD CONSTRAINT "task_comments_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "task_comments_task_idx" ON "task_comments" USING btree ("project_id","task_id","created_at","id");--> statement-breakpoint
-- tasks_board_key: built here only while the table is small (<= 10,000 rows); a bigger table gets it from ensureTaskIndexes (CREATE UNIQUE INDEX CONCURRENTLY, writes go on; docs/operations.md).
DO $$ BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM "tasks" LIMIT 10001) t) <= 10000 THEN
    CREATE UNIQUE INDEX "tasks_board_key" ON "tasks" USING btree ("project_id","status",(coalesce(position, '~' || id::text) collate "C")) WHERE deleted_at is null;
  END IF;
END $$;