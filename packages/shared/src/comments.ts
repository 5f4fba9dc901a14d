/**
 * Comments on tasks (issue 15 item 5): GET|POST /tasks/:id/comments, PATCH|DELETE /tasks/:id/comments/:commentId.
 * The body is markdown kept as the author wrote it (plain text in every response: the web renders it sanitised).
 */
import { z } from 'zod';
import { envelope, ISO_DATE_TIME_MAX, text, uuid } from './common';

export const COMMENT_BODY_MAX = 5000;
/** The author of a comment whose account was deleted. */
export const DELETED_USER_NAME = 'Deleted user';

/** PostgreSQL text cannot hold U+0000: refused with a 400. */
const noNul = (s: string) => !s.includes('\u0000');

export const commentBodySchema = text()
  .refine((s) => s.trim().length > 0, 'Must not be blank')
  .refine(noNul, 'Must not contain NUL characters')
  .max(COMMENT_BODY_MAX * 4)
  .pipe(z.string().min(1).max(COMMENT_BODY_MAX));

export const commentSchema = z
  .object({
    id: uuid,
    taskId: uuid,
    /** Null once the author's account is deleted (authorName is then "Deleted user"). */
    authorId: uuid.nullable(),
    authorName: z.string().max(100),
    body: z.string().max(COMMENT_BODY_MAX),
    createdAt: z.string().max(ISO_DATE_TIME_MAX),
    updatedAt: z.string().max(ISO_DATE_TIME_MAX),
  })
  .meta({ id: 'Comment' });
export type Comment = z.infer<typeof commentSchema>;

export const createCommentBody = z.strictObject({ body: commentBodySchema });
export type CreateCommentBody = z.infer<typeof createCommentBody>;
export const patchCommentBody = createCommentBody;
export type PatchCommentBody = CreateCommentBody;

export const commentParams = z.strictObject({ id: uuid, commentId: uuid });
export const commentEnvelope = envelope(commentSchema);
export const commentListEnvelope = envelope(z.array(commentSchema).max(1000)); // COMMENT_LIST_MAX in comments.repo.ts
