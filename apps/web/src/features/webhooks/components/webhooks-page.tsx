/**
 * A project's webhooks (owners only; the API answers anyone else 403): the list with each hook's URL, events and
 * an Active switch; add (URL + events; the signing secret shown once, with Copy); edit; delete with confirmation;
 * and per webhook its delivery log (status, attempts, response code and time, error, when) with Redeliver.
 */
import {
  type CreatedWebhook,
  createWebhookBody,
  type PatchWebhookBody,
  patchWebhookBody,
  WEBHOOK_EVENTS,
  type Webhook,
  type WebhookDelivery,
  type WebhookEvent,
} from '@primetrade/shared';
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { FormError, TextField } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { errorMessage, isApiError } from '../../../lib/api-error';
import { cn } from '../../../lib/cn';
import { type FieldErrors, serverFieldErrors, validate } from '../../../lib/form';
import { formatDateTime } from '../../../lib/format';
import { useT } from '../../../lib/i18n';
import { useProjects } from '../../../lib/projects';
import {
  useCreateWebhook,
  useDeleteWebhook,
  useDeliveries,
  useRedeliver,
  useUpdateWebhook,
  useWebhooks,
} from '../api/webhooks';

const muted = 'text-sm text-slate-600 dark:text-slate-300';

export function WebhooksPage({ projectId, back }: { projectId: string; back?: ReactNode }) {
  const t = useT('webhooks');
  const projects = useProjects();
  const project = projects.data?.find((p) => p.id === projectId);
  const isOwner = project?.role === 'owner';
  return (
    <div className="space-y-4" data-testid="webhooks-page">
      {back}
      <div>
        <h1 className="text-2xl font-semibold break-words">{t('title')}</h1>
        {project ? <p className={muted}>{project.name}</p> : null}
      </div>
      <p className={muted}>{t('intro')}</p>
      {projects.isPending ? (
        <Spinner label={t('loading')} />
      ) : project && !isOwner ? (
        <p className={muted}>{t('ownersOnly')}</p>
      ) : (
        <WebhookList projectId={projectId} />
      )}
    </div>
  );
}

function WebhookList({ projectId }: { projectId: string }) {
  const t = useT('webhooks');
  const hooks = useWebhooks(projectId);
  const [form, setForm] = useState<{ open: boolean; hook: Webhook | null }>({ open: false, hook: null });
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [logOf, setLogOf] = useState<string | null>(null);
  if (hooks.isPending) return <Spinner label={t('loading')} />;
  if (hooks.isError)
    return (
      <FormError
        message={isApiError(hooks.error) && hooks.error.status === 403 ? t('ownersOnly') : errorMessage(hooks.error)}
      />
    );
  return (
    <div className="space-y-4">
      {created ? <NewSecret hook={created} onDone={() => setCreated(null)} /> : null}
      {hooks.data.length === 0 ? (
        <p className={muted}>{t('empty')}</p>
      ) : (
        <ul
          className="divide-y divide-slate-200 rounded-lg bg-white ring-1 ring-slate-200 dark:divide-slate-700 dark:bg-slate-900 dark:ring-slate-700"
          aria-label={t('list')}
        >
          {hooks.data.map((hook) => (
            <WebhookRow
              key={hook.id}
              projectId={projectId}
              hook={hook}
              logOpen={logOf === hook.id}
              onToggleLog={() => setLogOf((id) => (id === hook.id ? null : hook.id))}
              onEdit={() => setForm({ open: true, hook })}
              onDelete={() => setDeleting(hook)}
            />
          ))}
        </ul>
      )}
      <Button onClick={() => setForm({ open: true, hook: null })}>{t('add')}</Button>
      <WebhookFormDialog
        projectId={projectId}
        open={form.open}
        hook={form.hook}
        onOpenChange={(open) => setForm((f) => ({ ...f, open }))}
        onCreated={(hook) => {
          setForm({ open: false, hook: null });
          setCreated(hook);
        }}
      />
      <DeleteWebhookDialog projectId={projectId} hook={deleting} onClose={() => setDeleting(null)} />
    </div>
  );
}

function WebhookRow({
  projectId,
  hook,
  logOpen,
  onToggleLog,
  onEdit,
  onDelete,
}: {
  projectId: string;
  hook: Webhook;
  logOpen: boolean;
  onToggleLog: () => void;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const t = useT('webhooks');
  const toast = useToast();
  const update = useUpdateWebhook(projectId);
  const logId = useId();
  const setActive = (active: boolean) =>
    update.mutate(
      { hookId: hook.id, patch: { active } },
      {
        onSuccess: () => toast(active ? t('activated') : t('deactivated'), 'success'),
        onError: (e) => toast(errorMessage(e), 'error'),
      },
    );
  return (
    <li className="space-y-3 p-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 flex-1 space-y-1">
          <p className="font-mono text-sm break-all">{hook.url}</p>
          <p className="flex flex-wrap gap-1">
            <span className="sr-only">{t('events')}</span>
            {hook.events.map((ev) => (
              <code
                key={ev}
                className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-800 dark:bg-slate-800 dark:text-slate-100"
              >
                {ev}
              </code>
            ))}
          </p>
        </div>
        <div className="flex items-center gap-2 text-sm">
          <button
            type="button"
            role="switch"
            aria-checked={hook.active}
            aria-label={t('activeFor', { url: hook.url })}
            disabled={update.isPending}
            onClick={() => setActive(!hook.active)}
            className={cn(
              'relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-60',
              hook.active ? 'bg-indigo-600' : 'bg-slate-300 dark:bg-slate-600',
            )}
          >
            <span
              aria-hidden="true"
              className={cn(
                'inline-block size-5 rounded-full bg-white shadow transition-transform',
                hook.active ? 'translate-x-5' : 'translate-x-0.5',
              )}
            />
          </button>
          <span aria-hidden="true">{hook.active ? t('active') : t('inactive')}</span>
        </div>
      </div>
      <div className="flex flex-wrap gap-2">
        <Button
          size="sm"
          variant="secondary"
          aria-expanded={logOpen}
          aria-controls={logId}
          aria-label={logOpen ? t('hideDeliveriesFor', { url: hook.url }) : t('deliveriesFor', { url: hook.url })}
          onClick={onToggleLog}
        >
          {logOpen ? t('hideDeliveries') : t('deliveries')}
        </Button>
        <Button size="sm" variant="secondary" aria-label={t('editFor', { url: hook.url })} onClick={onEdit}>
          {t('edit')}
        </Button>
        <Button size="sm" variant="secondary" aria-label={t('deleteFor', { url: hook.url })} onClick={onDelete}>
          {t('delete')}
        </Button>
      </div>
      <div id={logId}>{logOpen ? <DeliveryLog projectId={projectId} hook={hook} /> : null}</div>
    </li>
  );
}

function NewSecret({ hook, onDone }: { hook: CreatedWebhook; onDone: () => void }) {
  const t = useT('webhooks');
  const toast = useToast();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(hook.secret);
      toast(t('copied'), 'success');
    } catch {
      toast(t('copyFailed'), 'error');
    }
  };
  return (
    <div
      role="status"
      className="space-y-2 rounded-md bg-amber-50 p-4 text-sm ring-1 ring-amber-300 dark:bg-amber-950 dark:ring-amber-700"
    >
      <p className="font-medium text-amber-900 dark:text-amber-100">{t('secretTitle')}</p>
      <p className="text-amber-900 dark:text-amber-100">{t('secretHint')}</p>
      <div className="flex flex-wrap items-center gap-2">
        <input
          readOnly
          aria-label={t('secretLabel')}
          value={hook.secret}
          onFocus={(e) => e.currentTarget.select()}
          className="min-w-0 flex-1 rounded-md border border-amber-300 bg-white px-3 py-2 font-mono text-xs dark:border-amber-700 dark:bg-slate-900"
        />
        <Button size="sm" onClick={copy}>
          {t('copy')}
        </Button>
        <Button size="sm" variant="secondary" onClick={onDone}>
          {t('done')}
        </Button>
      </div>
    </div>
  );
}

function WebhookFormDialog({
  projectId,
  open,
  hook,
  onOpenChange,
  onCreated,
}: {
  projectId: string;
  open: boolean;
  /** null: a new webhook. */
  hook: Webhook | null;
  onOpenChange: (open: boolean) => void;
  onCreated: (hook: CreatedWebhook) => void;
}) {
  const t = useT('webhooks');
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={hook ? t('editTitle') : t('addTitle')}
      description={t('formDescription')}
    >
      {open ? (
        <WebhookForm
          key={hook?.id ?? 'new'}
          projectId={projectId}
          hook={hook}
          onCancel={() => onOpenChange(false)}
          onCreated={onCreated}
          onSaved={() => onOpenChange(false)}
        />
      ) : null}
    </Dialog>
  );
}

function WebhookForm({
  projectId,
  hook,
  onCancel,
  onCreated,
  onSaved,
}: {
  projectId: string;
  hook: Webhook | null;
  onCancel: () => void;
  onCreated: (hook: CreatedWebhook) => void;
  onSaved: () => void;
}) {
  const t = useT('webhooks');
  const toast = useToast();
  const create = useCreateWebhook(projectId);
  const update = useUpdateWebhook(projectId);
  const [url, setUrl] = useState(hook?.url ?? '');
  const [events, setEvents] = useState<WebhookEvent[]>(hook?.events ?? ['task.created', 'task.updated']);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const eventsErrorId = useId();
  const fail = (e: unknown) => {
    const fields = serverFieldErrors(e);
    setErrors(fields);
    setFormError(fields.url || fields.events ? null : errorMessage(e));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    if (!hook) {
      const r = validate(createWebhookBody, { url, events });
      if (r.errors) return setErrors(r.errors);
      setErrors({});
      create.mutate(r.data, { onSuccess: onCreated, onError: fail });
      return;
    }
    const patch: PatchWebhookBody = {};
    if (url.trim() !== hook.url) patch.url = url;
    if (events.length !== hook.events.length || events.some((ev) => !hook.events.includes(ev))) patch.events = events;
    if (Object.keys(patch).length === 0) return onSaved();
    const r = validate(patchWebhookBody, patch);
    if (r.errors) return setErrors(r.errors);
    setErrors({});
    update.mutate(
      { hookId: hook.id, patch: r.data },
      {
        onSuccess: () => {
          toast(t('saved'), 'success');
          onSaved();
        },
        onError: fail,
      },
    );
  };
  const toggle = (ev: WebhookEvent, on: boolean) =>
    setEvents((s) => (on ? WEBHOOK_EVENTS.filter((x) => x === ev || s.includes(x)) : s.filter((x) => x !== ev)));
  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <FormError message={formError} />
      <TextField
        label={t('url')}
        name="url"
        type="url"
        inputMode="url"
        autoComplete="off"
        value={url}
        maxLength={2048}
        onChange={(e) => setUrl(e.target.value)}
        error={errors.url}
        hint={t('urlHint')}
      />
      <fieldset
        className="space-y-2"
        aria-describedby={errors.events ? eventsErrorId : undefined}
        aria-invalid={errors.events ? true : undefined}
      >
        <legend className="text-sm font-medium text-slate-700 dark:text-slate-200">{t('events')}</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          {WEBHOOK_EVENTS.map((ev) => (
            <label key={ev} className="flex items-start gap-2 text-sm">
              <input
                type="checkbox"
                className="mt-0.5"
                checked={events.includes(ev)}
                onChange={(e) => toggle(ev, e.target.checked)}
              />
              <span>
                <code className="text-xs">{ev}</code>
                <span className="block text-xs text-slate-600 dark:text-slate-300">
                  {t(`eventLabels.${ev.replaceAll('.', '_')}`)}
                </span>
              </span>
            </label>
          ))}
        </div>
        {errors.events ? (
          <p id={eventsErrorId} role="alert" className="text-xs text-red-600 dark:text-red-400">
            {errors.events}
          </p>
        ) : null}
      </fieldset>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel}>
          {t('cancel')}
        </Button>
        <Button type="submit" busy={create.isPending || update.isPending}>
          {hook ? t('save') : t('add')}
        </Button>
      </div>
    </form>
  );
}

function DeleteWebhookDialog({
  projectId,
  hook,
  onClose,
}: {
  projectId: string;
  hook: Webhook | null;
  onClose: () => void;
}) {
  const t = useT('webhooks');
  const toast = useToast();
  const remove = useDeleteWebhook(projectId);
  return (
    <Dialog
      open={hook !== null}
      onOpenChange={(o) => {
        if (!o) onClose();
      }}
      title={t('deleteTitle')}
      description={t('deleteDescription', { url: hook?.url ?? '' })}
    >
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onClose}>
          {t('cancel')}
        </Button>
        <Button
          variant="danger"
          busy={remove.isPending}
          onClick={() => {
            if (!hook) return;
            remove.mutate(hook.id, {
              onSuccess: () => {
                toast(t('deleted'), 'success');
                onClose();
              },
              onError: (e) => toast(errorMessage(e), 'error'),
            });
          }}
        >
          {t('deleteSubmit')}
        </Button>
      </div>
    </Dialog>
  );
}

const statusClass: Record<WebhookDelivery['status'], string> = {
  delivered: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100',
  pending: 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100',
  failed: 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100',
};

function DeliveryLog({ projectId, hook }: { projectId: string; hook: Webhook }) {
  const t = useT('webhooks');
  const toast = useToast();
  const deliveries = useDeliveries(projectId, hook.id);
  const redeliver = useRedeliver(projectId, hook.id);
  const captionId = useId();
  if (deliveries.isPending) return <Spinner label={t('loadingDeliveries')} />;
  if (deliveries.isError) return <FormError message={errorMessage(deliveries.error)} />;
  const cell = 'px-2 py-1.5 text-left align-top';
  return (
    <section aria-labelledby={captionId} className="space-y-2">
      <div className="flex items-center justify-between gap-2">
        <h2 id={captionId} className="text-sm font-semibold">
          {t('logTitle')}
        </h2>
        <Button size="sm" variant="ghost" busy={deliveries.isFetching} onClick={() => void deliveries.refetch()}>
          {t('refresh')}
        </Button>
      </div>
      {deliveries.data.length === 0 ? (
        <p className={muted}>{t('noDeliveries')}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[40rem] text-xs">
            <thead className="text-slate-600 dark:text-slate-300">
              <tr>
                <th scope="col" className={cell}>
                  {t('col.event')}
                </th>
                <th scope="col" className={cell}>
                  {t('col.status')}
                </th>
                <th scope="col" className={cell}>
                  {t('col.attempts')}
                </th>
                <th scope="col" className={cell}>
                  {t('col.response')}
                </th>
                <th scope="col" className={cell}>
                  {t('col.time')}
                </th>
                <th scope="col" className={cell}>
                  {t('col.error')}
                </th>
                <th scope="col" className={cell}>
                  {t('col.when')}
                </th>
                <th scope="col" className={cell}>
                  <span className="sr-only">{t('col.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200 dark:divide-slate-700">
              {deliveries.data.map((d) => (
                <tr key={d.id}>
                  <td className={cn(cell, 'font-mono')}>{d.event}</td>
                  <td className={cell}>
                    <span className={cn('rounded px-1.5 py-0.5 font-medium', statusClass[d.status])}>
                      {t(`status.${d.status}`)}
                    </span>
                  </td>
                  <td className={cell}>{d.attempts}</td>
                  <td className={cell}>{d.responseStatus ?? t('none')}</td>
                  <td className={cell}>{d.responseMs === null ? t('none') : t('ms', { ms: d.responseMs })}</td>
                  <td className={cn(cell, 'max-w-48 break-words')}>{d.error ?? t('none')}</td>
                  <td className={cell}>
                    <time dateTime={d.lastAttemptAt ?? d.createdAt}>
                      {formatDateTime(d.lastAttemptAt ?? d.createdAt)}
                    </time>
                  </td>
                  <td className={cell}>
                    <Button
                      size="sm"
                      variant="secondary"
                      aria-label={t('redeliverFor', { event: d.event, when: formatDateTime(d.createdAt) })}
                      disabled={redeliver.isPending}
                      onClick={() =>
                        redeliver.mutate(d.id, {
                          onSuccess: () => toast(t('redelivered'), 'success'),
                          onError: (e) => toast(errorMessage(e), 'error'),
                        })
                      }
                    >
                      {t('redeliver')}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
