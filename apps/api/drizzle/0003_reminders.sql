CREATE TABLE "task_reminders" (
	"user_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"due_date" timestamp with time zone NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"attempts" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "task_reminders_pkey" PRIMARY KEY("user_id","task_id","kind","due_date")
);
--> statement-breakpoint
ALTER TABLE "task_reminders" ADD CONSTRAINT "task_reminders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "task_reminders_unsent_idx" ON "task_reminders" USING btree ("claimed_at") WHERE sent_at is null;--> statement-breakpoint
-- The reminder scan looks across users for active tasks due before now + lead time.
CREATE INDEX IF NOT EXISTS "tasks_active_due_global_idx" ON "tasks" USING btree ("due_date") WHERE status in ('pending', 'in_progress') and due_date is not null;
