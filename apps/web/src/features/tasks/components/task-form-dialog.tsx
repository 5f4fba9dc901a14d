import {
  createTaskBody,
  DESCRIPTION_MAX,
  type PatchTaskBody,
  patchTaskBody,
  type Task,
  TITLE_MAX,
} from '@primetrade/shared';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { FormError, SelectField, TextArea, TextField } from '../../../components/ui/field';
import { Dialog } from '../../../components/ui/dialog';
import { Spinner } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { errorMessage, isApiError } from '../../../lib/api-error';
import { formatDateTime, labelOf } from '../../../lib/format';
import { type FieldErrors, serverFieldErrors, validate } from '../../../lib/form';
import { useCreateTask } from '../api/create-task';
import { taskQueryOptions, useTask } from '../api/get-task';
import { useUpdateTask } from '../api/update-task';
import { PRIORITIES, STATUSES } from '../search';
import { diff, emptyValues, type FormValues, type TaskField, toBody, valuesOf } from './task-form-values';

const statusOptions = STATUSES.map((s) => ({ value: s, label: labelOf(s) }));
const priorityOptions = PRIORITIES.map((p) => ({ value: p, label: labelOf(p) }));

function TaskFields({
  values,
  onChange,
  errors,
}: {
  values: FormValues;
  onChange: (v: FormValues) => void;
  errors: FieldErrors;
}) {
  /** The props every field takes from the form's state: its name, value, change handler and error. */
  const bind = (k: TaskField) => ({
    name: k,
    value: values[k],
    onChange: (e: { target: { value: string } }) => onChange({ ...values, [k]: e.target.value }),
    error: errors[k],
  });
  return (
    <div className="space-y-4">
      <TextField label="Title" {...bind('title')} maxLength={TITLE_MAX} required autoFocus />
      <TextArea label="Description" {...bind('description')} maxLength={DESCRIPTION_MAX} />
      <div className="grid grid-cols-2 gap-4">
        <SelectField label="Status" {...bind('status')} options={statusOptions} />
        <SelectField label="Priority" {...bind('priority')} options={priorityOptions} />
      </div>
      <TextField label="Due" type="datetime-local" {...bind('dueDate')} />
      <TextField label="Tags" {...bind('tags')} hint="Comma separated, up to 10." />
    </div>
  );
}

function CreateForm({ onDone }: { onDone: () => void }) {
  const toast = useToast();
  const create = useCreateTask();
  const [values, setValues] = useState(emptyValues);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [idempotencyKey] = useState(() => crypto.randomUUID());

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const result = validate(createTaskBody, toBody(values));
    if (result.errors) return setErrors(result.errors);
    setErrors({});
    create.mutate(
      { body: result.data, idempotencyKey },
      {
        onSuccess: () => {
          toast('Task created', 'success');
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
          Cancel
        </Button>
        <Button type="submit" busy={create.isPending}>
          Create task
        </Button>
      </div>
    </form>
  );
}

function EditForm({ base, etag, onDone }: { base: Task; etag: string | null; onDone: () => void }) {
  const toast = useToast();
  const qc = useQueryClient();
  const update = useUpdateTask();
  const [values, setValues] = useState(() => valuesOf(base));
  const [errors, setErrors] = useState<FieldErrors>({});
  /** Set when the server had a newer version than the one this edit started from (412). */
  const [conflict, setConflict] = useState<{ latest: Task; etag: string | null; patch: PatchTaskBody } | null>(null);
  const [start, setStart] = useState({ task: base, etag });

  const save = (patch: PatchTaskBody, ifMatch: string | null) => {
    update.mutate(
      { id: base.id, patch, ifMatch },
      {
        onSuccess: () => {
          toast('Task saved', 'success');
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
    if (result.errors) return setErrors(result.errors);
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
          This task was changed somewhere else while you were editing (now version {latest.version}, updated{' '}
          {formatDateTime(latest.updatedAt)}). Review the newer version below.
        </div>
        <dl className="grid grid-cols-3 gap-x-3 gap-y-1 text-sm">
          <dt className="text-slate-500 dark:text-slate-400">Title</dt>
          <dd className="col-span-2 break-words">{latest.title}</dd>
          <dt className="text-slate-500 dark:text-slate-400">Status</dt>
          <dd className="col-span-2">{labelOf(latest.status)}</dd>
          <dt className="text-slate-500 dark:text-slate-400">Priority</dt>
          <dd className="col-span-2">{labelOf(latest.priority)}</dd>
          <dt className="text-slate-500 dark:text-slate-400">Due</dt>
          <dd className="col-span-2">{formatDateTime(latest.dueDate) || '—'}</dd>
          <dt className="text-slate-500 dark:text-slate-400">Tags</dt>
          <dd className="col-span-2">{latest.tags.join(', ') || '—'}</dd>
          <dt className="text-slate-500 dark:text-slate-400">Your changes</dt>
          <dd className="col-span-2">{Object.keys(conflict.patch).join(', ')}</dd>
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
            Discard mine, edit the newer version
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
            Reapply my changes
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
        Version {start.task.version} · created {formatDateTime(start.task.createdAt)}
        {start.task.completedAt ? ` · completed ${formatDateTime(start.task.completedAt)}` : ''}
      </p>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" busy={update.isPending}>
          Save
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

/** `editId` null with `open` creates; an id edits that task. */
export function TaskFormDialog({
  open,
  editId,
  onOpenChange,
}: {
  open: boolean;
  editId: string | null;
  onOpenChange: (open: boolean) => void;
}) {
  const close = () => onOpenChange(false);
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={editId ? 'Edit task' : 'New task'} wide>
      {open ? editId ? <EditLoader id={editId} onDone={close} /> : <CreateForm onDone={close} /> : null}
    </Dialog>
  );
}
