/**
 * Comments on tasks (issue 15 item 5). Every decision about who may do what is the project policy's:
 * - a task the caller's projects do not hold (or a deleted one) → 404, as if it did not exist;
 * - reading: any member; writing (create, edit, delete): owner or editor — a viewer gets 403;
 * - editing: the author only; deleting: the author, or an owner of the project (403 for anyone else).
 * After a commit the project's current members hear of it live (comment.created|updated|deleted); the event is also
 * recorded in the comment's own transaction through the injected sink (the webhooks' deliveries, at least once).
 */
import type { Comment } from '@primetrade/shared';
import type { Db, DbOrTx } from '../../infra/db/client';
import { type EventSink, recordEvents } from '../../infra/events';
import { forbidden, notFound } from '../../lib/errors';
import type { ProjectPolicy } from '../projects';
import { deleteComment, findComment, insertComment, listComments, projectOfTask, updateComment } from './comments.repo';

export type CommentEvent = 'comment.created' | 'comment.updated' | 'comment.deleted';

export interface CommentsServiceDeps {
  db: Db;
  policy: Pick<ProjectPolicy, 'requireFor' | 'audience'>;
  /** Live delivery to the users named (the project's members). */
  notify: (audience: string[], event: CommentEvent, data: unknown) => void;
  /** Records the event in the comment's transaction (the webhooks' deliveries); wired in the composition root. */
  sink?: EventSink;
}

export class CommentsService {
  constructor(private readonly deps: CommentsServiceDeps) {}

  private async taskProject(taskId: string, db: Parameters<typeof projectOfTask>[0] = this.deps.db) {
    const projectId = await projectOfTask(db, taskId);
    if (!projectId) throw notFound('Task');
    return projectId;
  }

  async list(userId: string, taskId: string): Promise<Comment[]> {
    const projectId = await this.taskProject(taskId);
    await this.deps.policy.requireFor('Task', userId, projectId, 'read');
    return listComments(this.deps.db, projectId, taskId);
  }

  async create(userId: string, taskId: string, body: string): Promise<Comment> {
    const { comment, projectId, kick } = await this.deps.db.transaction(async (tx) => {
      const projectId = await this.taskProject(taskId, tx);
      await this.deps.policy.requireFor('Task', userId, projectId, 'write', tx);
      const id = await insertComment(tx, { projectId, taskId, authorId: userId, body });
      const comment = await findComment(tx, projectId, taskId, id);
      if (!comment) throw new Error('the comment just written is not found');
      return { comment, projectId, kick: await this.record(tx, 'comment.created', projectId, taskId, comment) };
    });
    kick();
    await this.announce(projectId, 'comment.created', comment);
    return comment;
  }

  async update(userId: string, taskId: string, commentId: string, body: string): Promise<Comment> {
    const { comment, projectId, kick } = await this.deps.db.transaction(async (tx) => {
      const projectId = await this.taskProject(taskId, tx);
      await this.deps.policy.requireFor('Task', userId, projectId, 'write', tx);
      const found = await findComment(tx, projectId, taskId, commentId, true);
      if (!found) throw notFound('Comment');
      if (found.authorId !== userId) throw forbidden('Only the author may edit a comment');
      await updateComment(tx, projectId, commentId, body);
      const comment = await findComment(tx, projectId, taskId, commentId);
      if (!comment) throw notFound('Comment');
      return { comment, projectId, kick: await this.record(tx, 'comment.updated', projectId, taskId, comment) };
    });
    kick();
    await this.announce(projectId, 'comment.updated', comment);
    return comment;
  }

  async remove(userId: string, taskId: string, commentId: string): Promise<void> {
    const { projectId, kick } = await this.deps.db.transaction(async (tx) => {
      const projectId = await this.taskProject(taskId, tx);
      const role = await this.deps.policy.requireFor('Task', userId, projectId, 'write', tx);
      const found = await findComment(tx, projectId, taskId, commentId, true);
      if (!found) throw notFound('Comment');
      if (found.authorId !== userId && role !== 'owner') {
        throw forbidden('Only the author or an owner of the project may delete a comment');
      }
      await deleteComment(tx, projectId, commentId);
      const data = { id: commentId, taskId };
      return { projectId, kick: await this.record(tx, 'comment.deleted', projectId, taskId, data) };
    });
    kick();
    await this.announce(projectId, 'comment.deleted', { id: commentId, taskId });
  }

  /** The event, in the comment's transaction (in order with its task's events); returns the after-commit kick. */
  private record(tx: DbOrTx, event: CommentEvent, projectId: string, taskId: string, data: unknown) {
    return recordEvents(this.deps.sink, tx, [{ event, projectId, orderKey: taskId, data }]);
  }

  /** The members of the project now (a removed member hears nothing more). */
  private async announce(projectId: string, event: CommentEvent, data: unknown): Promise<void> {
    this.deps.notify(await this.deps.policy.audience([projectId]), event, data);
  }
}
