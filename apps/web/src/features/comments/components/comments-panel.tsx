/**
 * A task's comments: the list (markdown rendered sanitised), add, and edit/delete of one's own; an owner may
 * delete any. `canWrite` false (a viewer) shows the list only.
 */
import { COMMENT_BODY_MAX, type Comment } from '@primetrade/shared';
import { type FormEvent, useMemo, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { FormError, TextArea } from '../../../components/ui/field';
import { useToast } from '../../../components/ui/toast';
import { errorMessage } from '../../../lib/api-error';
import { formatDateTime } from '../../../lib/format';
import { useT } from '../../../lib/i18n';
import { useMe } from '../../../lib/session';
import { useAddComment, useComments, useDeleteComment, useEditComment } from '../api/comments';
import { renderMarkdown } from '../markdown';

export function Markdown({ text }: { text: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  return (
    <div
      className="comment-body space-y-2 text-sm break-words [&_a]:text-indigo-700 [&_a]:underline [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_ol]:list-decimal [&_ol]:pl-5 [&_ul]:list-disc [&_ul]:pl-5 dark:[&_a]:text-indigo-300 dark:[&_code]:bg-slate-800"
      data-testid="comment-body"
      // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised by DOMPurify in renderMarkdown
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}

export function CommentsPanel({ taskId, canWrite, isOwner }: { taskId: string; canWrite: boolean; isOwner: boolean }) {
  const toast = useToast();
  const t = useT('projects');
  const me = useMe().data;
  const comments = useComments(taskId);
  const add = useAddComment(taskId);
  const remove = useDeleteComment(taskId);
  const [draft, setDraft] = useState('');
  const [editing, setEditing] = useState<string | null>(null);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!draft.trim()) return;
    add.mutate(draft, { onSuccess: () => setDraft('') });
  };

  return (
    <section
      aria-labelledby={`comments-${taskId}`}
      className="space-y-3 border-t border-slate-200 pt-4 dark:border-slate-700"
    >
      <h3 id={`comments-${taskId}`} className="text-sm font-semibold">
        {t('comments.heading')}
      </h3>
      {comments.isError ? <FormError message={errorMessage(comments.error)} /> : null}
      <ul className="space-y-3" data-testid="comments">
        {(comments.data ?? []).map((c) =>
          editing === c.id ? (
            <li key={c.id}>
              <EditComment taskId={taskId} comment={c} onDone={() => setEditing(null)} />
            </li>
          ) : (
            <li key={c.id} className="rounded-md bg-slate-50 p-3 dark:bg-slate-800/60" data-testid="comment">
              <p className="mb-1 text-xs text-slate-600 dark:text-slate-300">
                <span className="font-medium text-slate-800 dark:text-slate-100">{c.authorName}</span> ·{' '}
                {formatDateTime(c.createdAt)}
                {c.updatedAt !== c.createdAt ? t('comments.edited') : ''}
              </p>
              <Markdown text={c.body} />
              {canWrite && (c.authorId === me?.id || isOwner) ? (
                <div className="mt-2 flex gap-2">
                  {c.authorId === me?.id ? (
                    <Button variant="ghost" size="sm" onClick={() => setEditing(c.id)}>
                      {t('comments.edit')}
                    </Button>
                  ) : null}
                  <Button
                    variant="ghost"
                    size="sm"
                    onClick={() =>
                      remove.mutate(c.id, {
                        onError: (err) => toast(t('comments.notDeleted', { reason: errorMessage(err) }), 'error'),
                      })
                    }
                  >
                    {t('comments.delete')}
                  </Button>
                </div>
              ) : null}
            </li>
          ),
        )}
      </ul>
      {comments.data?.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">{t('comments.none')}</p>
      ) : null}
      {canWrite ? (
        <form onSubmit={onSubmit} noValidate className="space-y-2">
          <FormError message={add.error ? errorMessage(add.error) : null} />
          <TextArea
            label={t('comments.add')}
            name="comment"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            maxLength={COMMENT_BODY_MAX}
            hint={t('comments.hint')}
          />
          <div className="flex justify-end">
            <Button type="submit" size="sm" busy={add.isPending} disabled={!draft.trim()}>
              {t('comments.submit')}
            </Button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

function EditComment({ taskId, comment, onDone }: { taskId: string; comment: Comment; onDone: () => void }) {
  const t = useT('projects');
  const edit = useEditComment(taskId);
  const [body, setBody] = useState(comment.body);
  return (
    <form
      noValidate
      className="space-y-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (body.trim()) edit.mutate({ id: comment.id, body }, { onSuccess: onDone });
      }}
    >
      <FormError message={edit.error ? errorMessage(edit.error) : null} />
      <TextArea
        label={t('comments.editLabel')}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        maxLength={COMMENT_BODY_MAX}
      />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" size="sm" onClick={onDone}>
          {t('comments.cancel')}
        </Button>
        <Button type="submit" size="sm" busy={edit.isPending}>
          {t('comments.save')}
        </Button>
      </div>
    </form>
  );
}
