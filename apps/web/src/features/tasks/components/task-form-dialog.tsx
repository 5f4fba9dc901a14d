import {
  createTaskBody,
  DESCRIPTION_MAX,
  type PatchTaskBody,
  patchTaskBody,
  type Task,
  TITLE_MAX,
} from '@primetrade/shared';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { FormError, SelectField, TextArea, TextField } from '../../../components/ui/field';
import { Dialog } from '../../../components/ui/dialog';
import { Spinner } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { errorMessage, isApiError } from '../../../lib/api-error';
import { formatDateTime, toLocalInput } from '../../../lib/format';
import { useT } from '../../../lib/i18n';
import { type FieldErrors, serverFieldErrors, validate } from '../../../lib/form';
import { useMembers, useProjects } from '../../../lib/projects';
import { useCreateTask } from '../api/create-task';
import { isQueuedTask } from '../api/offline';
import { taskQueryOptions, useTask } from '../api/get-task';
import { useUpdateTask } from '../api/update-task';
import { PRIORITIES, STATUSES } from '../search';
import { QuickAdd } from './quick-add';
import { RecurrenceField } from './recurrence-field';
import { readReminders, RemindersField } from './reminders-field';
import { diff, emptyValues, type FormValues, type TaskField, toBody, valuesOf } from './task-form-values';

function TaskFields({
  values,
  onChange,
  errors,
}: {
  values: FormValues;
  onChange: (v: FormValues) => void;
  errors: FieldErrors;
}) {
  const t = useT('tasks');
  const statusOptions = STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }));
  const priorityOptions = PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }));
  /** The props every field takes from the form's state: its name, value, change handler and error. */
  const bind = (k: TaskField) => ({
    name: k,
    value: values[k],
    onChange: (e: { target: { value: string } }) => onChange({ ...values, [k]: e.target.value }),
    error: errors[k],
  });
  return (
    <div className="space-y-4">
      <TextField label={t('form.title')} {...bind('title')} maxLength={TITLE_MAX} required autoFocus />
      <TextArea label={t('form.description')} {...bind('description')} maxLength={DESCRIPTION_MAX} />
      <div className="grid grid-cols-2 gap-4">
        <SelectField label={t('form.status')} {...bind('status')} options={statusOptions} />
        <SelectField label={t('form.priority')} {...bind('priority')} options={priorityOptions} />
      </div>
      <TextField label={t('form.due')} type="datetime-local" {...bind('dueDate')} />
      <RecurrenceField
        value={values.recurrence}
        onChange={(recurrence) => onChange({ ...values, recurrence })}
        error={errors.recurrence}
      />
      <RemindersField
        value={values.reminders}
        dueDate={values.dueDate}
        onChange={(reminders) => onChange({ ...values, reminders })}
        error={errors.reminders}
      />
      <TextField label={t('form.tags')} {...bind('tags')} hint={t('form.tagsHint')} />
      <ProjectFields values={values} onChange={onChange} errors={errors} />
    </div>
  );
}

/** A repeat needs a due date (the API answers 400 otherwise): the error under the Repeat control, before sending. */
function recurrenceErrors(values: FormValues, t: (key: string) => string): FieldErrors | null {
  const errors: FieldErrors = {};
  if (values.recurrence.trim() && !values.dueDate.trim()) errors.recurrence = t('form.repeat.needsDue');
  // A reminder before the due date needs one too (issue 17 item 2).
  if (!values.dueDate.trim() && readReminders(values.reminders).some((r) => 'before' in r))
    errors.reminders = t('form.reminders.needsDue');
  return Object.keys(errors).length ? errors : null;
}

/**
 * Project (those the caller may add tasks to: owner or editor, not archived; the inbox first) and Assignee (the
 * chosen project's members). Changing the project clears the assignee: it must be a member of the new one.
 */
function ProjectFields({
  values,
  onChange,
  errors,
}: {
  values: FormValues;
  onChange: (v: FormValues) => void;
  errors: FieldErrors;
}) {
  const t = useT('tasks');
  const projects = useProjects().data ?? [];
  const writable = projects.filter((p) => p.role !== 'viewer' && (!p.archived || p.id === values.projectId));
  const current = values.projectId || projects.find((p) => p.inbox)?.id || '';
  const members = useMembers(current).data ?? [];
  const projectOptions = writable.map((p) => ({ value: p.id, label: p.inbox ? t('form.inbox') : p.name }));
  if (values.projectId && !writable.some((p) => p.id === values.projectId))
    projectOptions.push({ value: values.projectId, label: t('form.thisProject') });
  const assigneeOptions = [
    { value: '', label: t('form.nobody') },
    ...members.map((m) => ({ value: m.userId, label: m.name })),
  ];
  if (values.assigneeId && !members.some((m) => m.userId === values.assigneeId))
    assigneeOptions.push({ value: values.assigneeId, label: t('form.someoneElse') });
  return (
    <div className="grid grid-cols-2 gap-4">
      <SelectField
        label={t('form.project')}
        name="projectId"
        value={current}
        options={projectOptions.length ? projectOptions : [{ value: '', label: t('form.inbox') }]}
        onChange={(e) => onChange({ ...values, projectId: e.target.value, assigneeId: '' })}
        error={errors.projectId}
      />
      <SelectField
        label={t('form.assignee')}
        name="assigneeId"
        value={values.assigneeId}
        options={assigneeOptions}
        onChange={(e) => onChange({ ...values, assigneeId: e.target.value })}
        error={errors.assigneeId}
      />
    </div>
  );
}

function CreateForm({
  onDone,
  defaultProjectId,
  defaultDueDate,
}: {
  onDone: () => void;
  defaultProjectId?: string | undefined;
  defaultDueDate?: string | undefined;
}) {
  const toast = useToast();
  const t = useT('tasks');
  const create = useCreateTask();
  const [values, setValues] = useState(() => ({
    ...emptyValues,
    projectId: defaultProjectId ?? '',
    ...(defaultDueDate ? { dueDate: toLocalInput(defaultDueDate) } : {}),
  }));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [idempotencyKey] = useState(() => crypto.randomUUID());

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const result = validate(createTaskBody, toBody(values));
    const repeat = recurrenceErrors(values, t);
    if (result.errors || repeat) return setErrors({ ...result.errors, ...repeat });
    setErrors({});
    create.mutate(
      { body: result.data, idempotencyKey },
      {
        onSuccess: (task) => {
          toast(isQueuedTask(task.id) ? t('toast.savedOffline') : t('toast.created'), 'success');
          onDone();
        },
        onError: (err) => setErrors(serverFieldErrors(err)),
      },
    );
  };

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <FormError message={create.error ? errorMessage(create.error) : null} />
      <TaskFields values={values} onChange={setValues} errors={errors} />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onDone}>
          {t('form.cancel')}
        </Button>
        <Button type="submit" busy={create.isPending}>
          {t('form.create')}
        </Button>
      </div>
    </form>
  );
}

/** A change made offline that the server refused with 412 on replay: it opens the conflict view at once. */
export interface ReplayConflict {
  latest: Task;
  etag: string | null;
  patch: PatchTaskBody;
}

function EditForm({
  base,
  etag,
  onDone,
  initialConflict,
}: {
  base: Task;
  etag: string | null;
  onDone: () => void;
  initialConflict?: ReplayConflict | undefined;
}) {
  const toast = useToast();
  const t = useT('tasks');
  const qc = useQueryClient();
  const update = useUpdateTask();
  const [values, setValues] = useState(() => valuesOf(base));
  const [errors, setErrors] = useState<FieldErrors>({});
  /** Set when the server had a newer version than the one this edit started from (412). */
  const [conflict, setConflict] = useState<{ latest: Task; etag: string | null; patch: PatchTaskBody } | null>(
    initialConflict ?? null,
  );
  const [start, setStart] = useState({ task: base, etag });

  const save = (patch: PatchTaskBody, ifMatch: string | null) => {
    update.mutate(
      { id: base.id, patch, ifMatch },
      {
        onSuccess: () => {
          toast(isQueuedTask(base.id) ? t('toast.savedOffline') : t('toast.saved'), 'success');
          onDone();
        },
        onError: async (err) => {
          if (isApiError(err) && err.status === 412) {
            const latest = await qc.fetchQuery({ ...taskQueryOptions(base.id), staleTime: 0 });
            setConflict({ latest: latest.task, etag: latest.etag, patch });
            return;
          }
          setErrors(serverFieldErrors(err));
        },
      },
    );
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const patch = diff(start.task, values);
    if (Object.keys(patch).length === 0) return onDone();
    const result = validate(patchTaskBody, patch);
    const repeat = recurrenceErrors(values, t);
    if (result.errors || repeat) return setErrors({ ...result.errors, ...repeat });
    setErrors({});
    save(result.data, start.etag);
  };

  if (conflict) {
    const { latest } = conflict;
    return (
      <div className="space-y-4" data-testid="conflict">
        <div
          role="alert"
          className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200 dark:bg-amber-950 dark:text-amber-100 dark:ring-amber-800"
        >
          {t('conflict.message', { version: latest.version, updated: formatDateTime(latest.updatedAt) })}
        </div>
        <dl className="grid grid-cols-3 gap-x-3 gap-y-1 text-sm">
          <dt className="text-slate-500 dark:text-slate-400">{t('form.title')}</dt>
          <dd className="col-span-2 break-words">{latest.title}</dd>
          <dt className="text-slate-500 dark:text-slate-400">{t('form.status')}</dt>
          <dd className="col-span-2">{t(`status.${latest.status}`)}</dd>
          <dt className="text-slate-500 dark:text-slate-400">{t('form.priority')}</dt>
          <dd className="col-span-2">{t(`priority.${latest.priority}`)}</dd>
          <dt className="text-slate-500 dark:text-slate-400">{t('form.due')}</dt>
          <dd className="col-span-2">{formatDateTime(latest.dueDate) || '—'}</dd>
          <dt className="text-slate-500 dark:text-slate-400">{t('form.tags')}</dt>
          <dd className="col-span-2">{latest.tags.join(', ') || '—'}</dd>
          <dt className="text-slate-500 dark:text-slate-400">{t('conflict.yourChanges')}</dt>
          <dd className="col-span-2">
            {Object.keys(conflict.patch)
              .map((f) => t(`fields.${f}`, { defaultValue: f }))
              .join(', ')}
          </dd>
        </dl>
        <div className="flex flex-wrap justify-end gap-2">
          <Button
            variant="secondary"
            onClick={() => {
              setStart({ task: latest, etag: conflict.etag });
              setValues(valuesOf(latest));
              setConflict(null);
            }}
          >
            {t('conflict.discard')}
          </Button>
          <Button
            busy={update.isPending}
            onClick={() => {
              const { patch, etag: latestEtag } = conflict;
              setStart({ task: latest, etag: latestEtag });
              setConflict(null);
              save(patch, latestEtag);
            }}
          >
            {t('conflict.reapply')}
          </Button>
        </div>
      </div>
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <FormError
        message={
          update.error && !(isApiError(update.error) && update.error.status === 412) ? errorMessage(update.error) : null
        }
      />
      <TaskFields values={values} onChange={setValues} errors={errors} />
      <p className="text-xs text-slate-500 dark:text-slate-400">
        {t('form.meta', { version: start.task.version, created: formatDateTime(start.task.createdAt) })}
        {start.task.completedAt ? t('form.metaCompleted', { completed: formatDateTime(start.task.completedAt) }) : ''}
      </p>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onDone}>
          {t('form.cancel')}
        </Button>
        <Button type="submit" busy={update.isPending}>
          {t('form.save')}
        </Button>
      </div>
    </form>
  );
}

function EditLoader({ id, onDone }: { id: string; onDone: () => void }) {
  const query = useTask(id);
  if (query.isPending) return <Spinner />;
  if (query.isError) return <FormError message={errorMessage(query.error)} />;
  return <EditForm key={`${id}`} base={query.data.task} etag={query.data.etag} onDone={onDone} />;
}

/** `editId` null with `open` creates; an id edits that task; `conflict` opens it on a replayed change's 412. */
export function TaskFormDialog({
  open,
  editId,
  onOpenChange,
  conflict,
  defaultProjectId,
  defaultDueDate,
  extra,
}: {
  open: boolean;
  editId: string | null;
  onOpenChange: (open: boolean) => void;
  conflict?: ReplayConflict | undefined;
  /** The project a new task goes to (the project page's); absent: the inbox. */
  defaultProjectId?: string | undefined;
  /** The due date a new task starts with (ISO; the calendar's day clicked); absent: none. */
  defaultDueDate?: string | undefined;
  /** More about an existing task below its form, supplied by the app (the comments). */
  extra?: ((taskId: string) => ReactNode) | undefined;
}) {
  const t = useT('tasks');
  const close = () => onOpenChange(false);
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={editId ? t('form.editTitle') : t('form.newTitle')} wide>
      {open ? (
        conflict ? (
          <EditForm base={conflict.latest} etag={conflict.etag} initialConflict={conflict} onDone={close} />
        ) : editId ? (
          <>
            <EditLoader id={editId} onDone={close} />
            {extra ? <div className="mt-6">{extra(editId)}</div> : null}
          </>
        ) : (
          <>
            <QuickAdd onDone={close} />
            <CreateForm onDone={close} defaultProjectId={defaultProjectId} defaultDueDate={defaultDueDate} />
          </>
        )
      ) : null}
    </Dialog>
  );
}
