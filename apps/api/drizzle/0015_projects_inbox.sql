-- Issue 15: every user has one inbox project, created with the account whichever code path inserts the user.
CREATE OR REPLACE FUNCTION users_create_inbox() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE pid uuid;
BEGIN
  INSERT INTO projects (name, inbox_of, created_at, updated_at) VALUES ('Inbox', NEW.id, NEW.created_at, NEW.created_at)
    RETURNING id INTO pid;
  INSERT INTO project_members (project_id, user_id, role, joined_at) VALUES (pid, NEW.id, 'owner', NEW.created_at);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER users_create_inbox AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION users_create_inbox();
--> statement-breakpoint
-- A task inserted without project_id (a fixture, or an instance of the previous release during a rolling
-- deploy) goes to its owner's inbox.
CREATE OR REPLACE FUNCTION tasks_default_project() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT id INTO NEW.project_id FROM projects WHERE inbox_of = NEW.user_id;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER tasks_default_project BEFORE INSERT ON tasks FOR EACH ROW WHEN (NEW.project_id IS NULL)
  EXECUTE FUNCTION tasks_default_project();
--> statement-breakpoint
-- The inboxes of the users that existed before projects (their tasks move in through the batched backfill).
INSERT INTO projects (name, inbox_of, created_at, updated_at)
  SELECT 'Inbox', u.id, u.created_at, u.created_at FROM users u
  WHERE NOT EXISTS (SELECT 1 FROM projects p WHERE p.inbox_of = u.id);
--> statement-breakpoint
INSERT INTO project_members (project_id, user_id, role, joined_at)
  SELECT p.id, p.inbox_of, 'owner', p.created_at FROM projects p WHERE p.inbox_of IS NOT NULL
  ON CONFLICT DO NOTHING;
