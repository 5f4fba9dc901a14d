-- Issue 15 item 5: each task's subtask_count / subtask_done_count (its live subtasks, and the completed ones) are
-- kept here, whichever statement inserts, re-parents, completes, soft-deletes, restores or purges a subtask.
-- The parent's own update touches only the counters, so it does not fire the update trigger again.
CREATE OR REPLACE FUNCTION tasks_subtask_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.parent_id IS NOT NULL AND OLD.deleted_at IS NULL THEN
    UPDATE tasks SET subtask_count = subtask_count - 1,
                     subtask_done_count = subtask_done_count - (OLD.status = 'completed')::int
      WHERE id = OLD.parent_id;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.parent_id IS NOT NULL AND NEW.deleted_at IS NULL THEN
    UPDATE tasks SET subtask_count = subtask_count + 1,
                     subtask_done_count = subtask_done_count + (NEW.status = 'completed')::int
      WHERE id = NEW.parent_id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER tasks_subtask_counts_insert AFTER INSERT ON tasks FOR EACH ROW WHEN (NEW.parent_id IS NOT NULL)
  EXECUTE FUNCTION tasks_subtask_counts();
--> statement-breakpoint
CREATE TRIGGER tasks_subtask_counts_delete AFTER DELETE ON tasks FOR EACH ROW WHEN (OLD.parent_id IS NOT NULL)
  EXECUTE FUNCTION tasks_subtask_counts();
--> statement-breakpoint
CREATE TRIGGER tasks_subtask_counts_update AFTER UPDATE OF parent_id, status, deleted_at ON tasks FOR EACH ROW
  WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id
        OR (NEW.parent_id IS NOT NULL AND (OLD.status IS DISTINCT FROM NEW.status
                                           OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)))
  EXECUTE FUNCTION tasks_subtask_counts();
--> statement-breakpoint
-- Counters of subtasks that exist already (none in a release before this one; kept exact anyway).
UPDATE tasks p SET subtask_count = c.n, subtask_done_count = c.done
  FROM (SELECT parent_id, count(*)::int AS n, count(*) FILTER (WHERE status = 'completed')::int AS done
          FROM tasks WHERE parent_id IS NOT NULL AND deleted_at IS NULL GROUP BY parent_id) c
  WHERE p.id = c.parent_id;
--> statement-breakpoint
-- A task's comments go with the task when it is hard-deleted (the purge 30 days after a soft delete, a project's
-- or an account's deletion): task_comments.task_id has no foreign key (tasks are keyed by their creator).
CREATE OR REPLACE FUNCTION tasks_comments_purge() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM task_comments WHERE project_id = OLD.project_id AND task_id = OLD.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER tasks_comments_purge AFTER DELETE ON tasks FOR EACH ROW EXECUTE FUNCTION tasks_comments_purge();
