CREATE TABLE "project_invitations" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"email" text NOT NULL,
	"role" text NOT NULL,
	"token_hash" text NOT NULL,
	"invited_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"accepted_by" uuid,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "project_invitations_pkey" PRIMARY KEY("project_id","id"),
	CONSTRAINT "project_invitations_role_check" CHECK ("project_invitations"."role" in ('editor', 'viewer'))
);
--> statement-breakpoint
CREATE TABLE "project_members" (
	"project_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" text NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "project_members_pkey" PRIMARY KEY("project_id","user_id"),
	CONSTRAINT "project_members_role_check" CHECK ("project_members"."role" in ('owner', 'editor', 'viewer'))
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"color" text,
	"archived" boolean DEFAULT false NOT NULL,
	"inbox_of" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "projects_version_check" CHECK ("projects"."version" >= 1)
);
--> statement-breakpoint
DROP INDEX "tasks_user_created_idx";--> statement-breakpoint
DROP INDEX "tasks_user_updated_idx";--> statement-breakpoint
DROP INDEX "tasks_user_due_idx";--> statement-breakpoint
DROP INDEX "tasks_user_priority_idx";--> statement-breakpoint
DROP INDEX "tasks_user_title_idx";--> statement-breakpoint
DROP INDEX "tasks_user_status_created_idx";--> statement-breakpoint
DROP INDEX "tasks_user_active_due_idx";--> statement-breakpoint
DROP INDEX "tasks_user_completed_idx";--> statement-breakpoint
DROP INDEX "tasks_user_search_idx";--> statement-breakpoint
DROP INDEX "tasks_user_title_trgm_idx";--> statement-breakpoint
DROP INDEX "tasks_user_tags_idx";--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "project_id" uuid;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "assignee_id" uuid;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "parent_id" uuid;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "position" text;--> statement-breakpoint
ALTER TABLE "project_invitations" ADD CONSTRAINT "project_invitations_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_invitations" ADD CONSTRAINT "project_invitations_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_invitations" ADD CONSTRAINT "project_invitations_accepted_by_users_id_fk" FOREIGN KEY ("accepted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_members" ADD CONSTRAINT "project_members_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_members" ADD CONSTRAINT "project_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_inbox_of_users_id_fk" FOREIGN KEY ("inbox_of") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "project_invitations_token_key" ON "project_invitations" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "project_invitations_project_idx" ON "project_invitations" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "project_members_user_idx" ON "project_members" USING btree ("user_id","project_id","role");--> statement-breakpoint
CREATE UNIQUE INDEX "projects_inbox_of_key" ON "projects" USING btree ("inbox_of");--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- The tasks indexes (tasks_id_key included): built here only while the table is small (<= 10,000 rows); a bigger table gets them from ensureTaskIndexes (CREATE INDEX CONCURRENTLY, writes go on; docs/operations.md).
DO $$ BEGIN
  IF (SELECT count(*) FROM (SELECT 1 FROM "tasks" LIMIT 10001) t) <= 10000 THEN
    CREATE UNIQUE INDEX "tasks_id_key" ON "tasks" USING btree ("id");
    CREATE INDEX "tasks_project_created_idx" ON "tasks" USING btree ("project_id","created_at","id");
    CREATE INDEX "tasks_project_updated_idx" ON "tasks" USING btree ("project_id","updated_at","id");
    CREATE INDEX "tasks_project_due_idx" ON "tasks" USING btree ("project_id",coalesce(due_date, 'infinity'::timestamptz),"id");
    CREATE INDEX "tasks_project_priority_idx" ON "tasks" USING btree ("project_id","priority_rank","id");
    CREATE INDEX "tasks_project_title_idx" ON "tasks" USING btree ("project_id","title","id");
    CREATE INDEX "tasks_project_status_created_idx" ON "tasks" USING btree ("project_id","status","created_at","id");
    CREATE INDEX "tasks_project_active_due_idx" ON "tasks" USING btree ("project_id","due_date") WHERE status in ('pending', 'in_progress') and due_date is not null;
    CREATE INDEX "tasks_project_completed_idx" ON "tasks" USING btree ("project_id","completed_at","created_at") WHERE completed_at is not null;
    CREATE INDEX "tasks_project_search_idx" ON "tasks" USING gin ("project_id","search");
    CREATE INDEX "tasks_project_title_trgm_idx" ON "tasks" USING gin ("project_id",title gin_trgm_ops);
    CREATE INDEX "tasks_project_tags_idx" ON "tasks" USING gin ("project_id","tags");
    CREATE INDEX "tasks_project_assignee_idx" ON "tasks" USING btree ("project_id","assignee_id") WHERE assignee_id is not null;
    CREATE INDEX "tasks_project_parent_idx" ON "tasks" USING btree ("project_id","parent_id") WHERE parent_id is not null;
  END IF;
END $$;