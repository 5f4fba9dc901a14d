/**
 * Quick add: one line ("review PR next friday !urgent #work") read by the server (POST /tasks/parse) while the
 * user types, shown as a preview — the recognised words highlighted, a chip per field — and created with Enter.
 */
import { createTaskBody, QUICK_ADD_TEXT_MAX, type QuickAddSpan } from '@primetrade/shared';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useMemo, useState } from 'react';
import { FormError, TextField } from '../../../components/ui/field';
import { useToast } from '../../../components/ui/toast';
import { errorMessage } from '../../../lib/api-error';
import { cn } from '../../../lib/cn';
import { formatDateTime } from '../../../lib/format';
import { useT } from '../../../lib/i18n';
import { validate } from '../../../lib/form';
import { useCreateTask } from '../api/create-task';
import { type ParsedText, parseTaskQueryOptions, useParsedTask } from '../api/parse-task';
import { describeRule, draftBody, segments, unsentFields } from './quick-add-draft';

type Field = QuickAddSpan['field'];

const TONE: Record<Field, string> = {
  dueDate: 'bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100',
  priority: 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100',
  tags: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100',
  projectId: 'bg-violet-100 text-violet-900 dark:bg-violet-900 dark:text-violet-100',
  recurrence: 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100',
};

function Chip({ field, children }: { field: Field | 'title'; children: React.ReactNode }) {
  return (
    <li
      data-field={field}
      className={cn(
        'rounded px-2 py-0.5 text-xs font-medium',
        field === 'title' ? 'bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-100' : TONE[field],
      )}
    >
      {children}
    </li>
  );
}

/** What the server read: the text with its recognised parts marked, then one chip per draft field. */
export function QuickAddPreview({ parsed }: { parsed: ParsedText }) {
  const t = useT('tasks');
  const { draft, spans, text } = parsed;
  const unsent = unsentFields(draft);
  const projectWord = spans.find((s) => s.field === 'projectId');
  return (
    <div className="space-y-2" data-testid="quick-add-preview">
      <p className="text-sm break-words text-slate-700 dark:text-slate-200" data-testid="quick-add-highlight">
        {segments(text, spans).map((seg, i) =>
          seg.field ? (
            <mark
              // biome-ignore lint/suspicious/noArrayIndexKey: the segments of one text, in order, never reordered
              key={i}
              data-field={seg.field}
              title={t(`quickAdd.field.${seg.field}`)}
              className={cn('rounded px-0.5', TONE[seg.field])}
            >
              {seg.text}
            </mark>
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: as above
            <span key={i}>{seg.text}</span>
          ),
        )}
      </p>
      <ul className="flex flex-wrap gap-1.5" aria-label={t('quickAdd.recognised')}>
        <Chip field="title">{draft.title ? t('quickAdd.title', { title: draft.title }) : t('quickAdd.noTitle')}</Chip>
        {draft.dueDate ? (
          <Chip field="dueDate">{t('quickAdd.due', { date: formatDateTime(draft.dueDate) })}</Chip>
        ) : null}
        {draft.priority ? (
          <Chip field="priority">{t('quickAdd.priority', { priority: t(`priority.${draft.priority}`) })}</Chip>
        ) : null}
        {draft.tags.map((tag) => (
          <Chip key={tag} field="tags">
            #{tag}
          </Chip>
        ))}
        {draft.projectId && projectWord ? (
          <Chip field="projectId">
            {t('quickAdd.project', { project: text.slice(projectWord.start + 1, projectWord.end) })}
          </Chip>
        ) : null}
        {draft.recurrence ? <Chip field="recurrence">{describeRule(draft.recurrence.rule)}</Chip> : null}
      </ul>
      {unsent.length > 0 ? (
        <p className="text-xs text-slate-600 dark:text-slate-300" data-testid="quick-add-unsent">
          {[
            unsent.includes('recurrence') ? t('quickAdd.unsentRecurrence') : '',
            unsent.includes('projectId') ? t('quickAdd.unsentProject') : '',
          ]
            .filter(Boolean)
            .join(' ')}
        </p>
      ) : null}
    </div>
  );
}

/** The quick-add box of the new-task dialog. Enter creates the task from the server's draft and calls `onDone`. */
export function QuickAdd({ onDone }: { onDone: () => void }) {
  const id = useId();
  const qc = useQueryClient();
  const toast = useToast();
  const t = useT('tasks');
  const create = useCreateTask();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [reading, setReading] = useState(false);
  const parsed = useParsedTask(text);
  // One key per text: resending the same line never creates it twice; a changed line is a new task.
  const idempotencyKey = useMemo(() => (text ? crypto.randomUUID() : ''), [text]);

  // The dialog's first field takes focus on its own; the quick-add box is the one to type in.
  useEffect(() => {
    document.getElementById(id)?.focus();
  }, [id]);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const line = text.trim();
    if (!line || create.isPending || reading) return;
    setError(null);
    let found: ParsedText | undefined = parsed.data?.text === line ? parsed.data : undefined;
    if (!found) {
      // Enter came before the debounced parse: read the line now.
      setReading(true);
      try {
        found = await qc.fetchQuery(parseTaskQueryOptions(line));
      } catch (err) {
        setError(errorMessage(err));
        return;
      } finally {
        setReading(false);
      }
    }
    const result = validate(createTaskBody, draftBody(found.draft));
    if (result.errors) {
      const [field, message] = Object.entries(result.errors)[0] ?? ['_form', t('quickAdd.notValid')];
      setError(field === 'title' ? t('quickAdd.titleError', { message }) : message);
      return;
    }
    create.mutate(
      { body: result.data, idempotencyKey },
      {
        onSuccess: () => {
          toast(t('toast.created'), 'success');
          onDone();
        },
        onError: (err) => setError(errorMessage(err)),
      },
    );
  };

  const shown = text.trim() ? parsed.data : undefined;
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3 border-b border-slate-200 pb-4 dark:border-slate-700">
      <TextField
        id={id}
        name="quickAdd"
        label={t('quickAdd.label')}
        value={text}
        onChange={(e) => setText(e.target.value)}
        maxLength={QUICK_ADD_TEXT_MAX}
        placeholder={t('quickAdd.placeholder')}
        hint={t('quickAdd.hint')}
        autoComplete="off"
        aria-busy={parsed.isFetching || reading || create.isPending || undefined}
      />
      <FormError message={error ?? (parsed.isError ? errorMessage(parsed.error) : null)} />
      <div aria-live="polite">{shown ? <QuickAddPreview parsed={shown} /> : null}</div>
    </form>
  );
}
