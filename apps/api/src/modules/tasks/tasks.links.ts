/**
 * A task's assignee and parent (issue 15 item 5), checked by create and PATCH before they are written:
 * - `assigneeId`: null, or a member (any role) of the task's project — otherwise 400 VALIDATION_FAILED;
 * - `parentId`: null, or a live top-level task of the same project, not the task itself — otherwise 400; a task
 *   that has subtasks cannot become a subtask — 409 CONFLICT (one level deep).
 * A task the caller cannot see is "not a task of the same project" (400), never told apart.
 */
import type { DbOrTx } from '../../infra/db/client';
import { conflict, validation } from '../../lib/errors';
import type { ProjectPolicy } from '../projects';
import { findTaskById } from './tasks.repo';

export async function checkAssignee(
  tx: DbOrTx,
  policy: Pick<ProjectPolicy, 'role'>,
  projectId: string,
  assigneeId: string | null | undefined,
): Promise<void> {
  if (assigneeId === undefined || assigneeId === null) return;
  if ((await policy.role(assigneeId, projectId, tx)) === null) {
    throw validation([{ path: 'assigneeId', message: 'Must be a member of the task’s project' }]);
  }
}

export async function checkParent(
  tx: DbOrTx,
  projectId: string,
  parentId: string | null | undefined,
  self?: { id: string; subtaskCount: number },
): Promise<void> {
  if (parentId === undefined || parentId === null) return;
  const bad = (message: string) => validation([{ path: 'parentId', message }]);
  if (self && parentId.toLowerCase() === self.id) throw bad('A task cannot be its own parent');
  const parent = await findTaskById(tx, parentId);
  if (!parent || parent.projectId !== projectId) throw bad('Must be a task of the same project');
  if (parent.parentId !== null) throw bad('A subtask cannot have subtasks (one level deep)');
  if (self && self.subtaskCount > 0) throw conflict('A task with subtasks cannot become a subtask');
}
