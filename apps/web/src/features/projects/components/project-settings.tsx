/**
 * Project settings and sharing. Owner: rename, colour, archive, delete; members with role change and removal;
 * invite by email with a role; pending invitations with revoke. Editor and viewer: the members (read only) and
 * Leave. What a role may not do is not shown (the API refuses it anyway: 403).
 */
import { createInvitationBody, type Project, type ProjectRole, patchProjectBody } from '@primetrade/shared';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { FormError, SelectField, TextField } from '../../../components/ui/field';
import { useToast } from '../../../components/ui/toast';
import { errorMessage, isApiError } from '../../../lib/api-error';
import { formatDate } from '../../../lib/format';
import { validate } from '../../../lib/form';
import { translate, useT } from '../../../lib/i18n';
import { membersQueryOptions } from '../../../lib/projects';
import { useMe } from '../../../lib/session';
import {
  useDeleteProject,
  useInvitations,
  useInvite,
  useRemoveMember,
  useRevokeInvitation,
  useSetMemberRole,
  useUpdateProject,
} from '../api/projects';
import { ProjectFields } from './project-form';

const roleLabel = (r: string) => translate('projects', `role.${r}`);
const roleOptions = () => (['owner', 'editor', 'viewer'] as const).map((r) => ({ value: r, label: roleLabel(r) }));
const inviteRoleOptions = () => (['editor', 'viewer'] as const).map((r) => ({ value: r, label: roleLabel(r) }));
const h3 = 'text-sm font-semibold text-slate-900 dark:text-slate-100';

/** Words for the refusals a person can meet here. */
export function sharingError(e: unknown): string {
  if (isApiError(e)) {
    if (e.status === 409 && e.message.toLowerCase().includes('owner'))
      return translate('projects', 'settings.errors.lastOwner');
    if (e.status === 409) return e.message || translate('projects', 'settings.errors.conflict');
    if (e.status === 412) return translate('projects', 'settings.errors.changed');
    if (e.status === 403) return translate('projects', 'settings.errors.ownerOnly');
  }
  return errorMessage(e);
}

export function ProjectSettingsDialog({
  open,
  onOpenChange,
  project,
  etag,
  onLeft,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  project: Project;
  etag: string | null;
  onLeft: () => void;
}) {
  const t = useT('projects');
  const owner = project.role === 'owner';
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={owner ? t('settings.titleOwner') : t('settings.titleMember')}
      wide
    >
      {open ? (
        <div className="space-y-6">
          {owner ? <GeneralForm project={project} etag={etag} /> : null}
          <Members project={project} onLeft={onLeft} />
          {owner ? <Invitations projectId={project.id} /> : null}
          {owner ? <WebhooksEntry projectId={project.id} /> : null}
          {owner ? <DangerZone project={project} etag={etag} onDeleted={onLeft} /> : null}
        </div>
      ) : null}
    </Dialog>
  );
}

function GeneralForm({ project, etag }: { project: Project; etag: string | null }) {
  const toast = useToast();
  const t = useT('projects');
  const update = useUpdateProject(project.id);
  const [name, setName] = useState(project.name);
  const [color, setColor] = useState(project.color ?? '');
  const [error, setError] = useState<string | undefined>();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const r = validate(patchProjectBody, { name, color: color || null });
    if (r.errors) return setError(r.errors.name ?? Object.values(r.errors)[0]);
    setError(undefined);
    update.mutate(
      { patch: r.data, ifMatch: etag },
      { onSuccess: () => toast(t('settings.saved'), 'success'), onError: (err) => toast(sharingError(err), 'error') },
    );
  };
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-labelledby="project-general">
      <h3 id="project-general" className={h3}>
        {t('settings.general')}
      </h3>
      <ProjectFields name={name} color={color} onName={setName} onColor={setColor} error={error} />
      <div className="flex flex-wrap justify-end gap-2">
        <Button
          variant="secondary"
          busy={update.isPending}
          onClick={() =>
            update.mutate(
              { patch: { archived: !project.archived }, ifMatch: etag },
              {
                onSuccess: () =>
                  toast(project.archived ? t('settings.restored') : t('settings.archivedToast'), 'success'),
                onError: (err) => toast(sharingError(err), 'error'),
              },
            )
          }
        >
          {project.archived ? t('settings.unarchive') : t('settings.archive')}
        </Button>
        <Button type="submit" busy={update.isPending}>
          {t('settings.save')}
        </Button>
      </div>
    </form>
  );
}

function Members({ project, onLeft }: { project: Project; onLeft: () => void }) {
  const toast = useToast();
  const t = useT('projects');
  const me = useMe().data;
  // Fresh each time the dialog opens (someone may have accepted an invitation since).
  const members = useQuery({ ...membersQueryOptions(project.id), refetchOnMount: 'always' });
  const setRole = useSetMemberRole(project.id);
  const remove = useRemoveMember(project.id);
  const owner = project.role === 'owner';
  const [confirmLeave, setConfirmLeave] = useState(false);
  return (
    <section aria-labelledby="project-members" className="space-y-2">
      <h3 id="project-members" className={h3}>
        {t('settings.members')}
      </h3>
      {members.isError ? <FormError message={errorMessage(members.error)} /> : null}
      <ul className="divide-y divide-slate-200 dark:divide-slate-700" data-testid="members">
        {(members.data ?? []).map((m) => {
          const self = m.userId === me?.id;
          return (
            <li key={m.userId} className="flex flex-wrap items-center gap-3 py-2 text-sm" data-testid="member">
              <div className="min-w-0 flex-1">
                <p className="font-medium break-words">
                  {m.name}
                  {self ? t('settings.you') : ''}
                </p>
                <p className="text-xs break-all text-slate-600 dark:text-slate-300">
                  {t('settings.joined', { email: m.email, date: formatDate(m.joinedAt) })}
                </p>
              </div>
              {owner ? (
                <SelectField
                  label={t('settings.roleOf', { name: m.name })}
                  className="w-32 [&_label]:sr-only"
                  value={m.role}
                  options={roleOptions()}
                  onChange={(e) =>
                    setRole.mutate(
                      { userId: m.userId, role: e.target.value as ProjectRole },
                      {
                        onSuccess: () =>
                          toast(t('settings.nowRole', { name: m.name, role: roleLabel(e.target.value) }), 'success'),
                        onError: (err) => toast(sharingError(err), 'error'),
                      },
                    )
                  }
                />
              ) : (
                <span className="text-xs font-medium text-slate-700 dark:text-slate-200">{roleLabel(m.role)}</span>
              )}
              {owner && !self ? (
                <Button
                  variant="ghost"
                  size="sm"
                  aria-label={t('settings.removeName', { name: m.name })}
                  onClick={() =>
                    remove.mutate(m.userId, {
                      onSuccess: () => toast(t('settings.removed', { name: m.name }), 'success'),
                      onError: (err) => toast(sharingError(err), 'error'),
                    })
                  }
                >
                  {t('settings.remove')}
                </Button>
              ) : null}
            </li>
          );
        })}
      </ul>
      {me ? (
        confirmLeave ? (
          <div className="flex flex-wrap items-center justify-end gap-2 text-sm">
            <span>{t('settings.leaveQuestion', { name: project.name })}</span>
            <Button variant="secondary" size="sm" onClick={() => setConfirmLeave(false)}>
              {t('settings.stay')}
            </Button>
            <Button
              variant="danger"
              size="sm"
              busy={remove.isPending}
              onClick={() =>
                remove.mutate(me.id, {
                  onSuccess: () => {
                    toast(t('settings.left', { name: project.name }), 'success');
                    onLeft();
                  },
                  onError: (err) => {
                    setConfirmLeave(false);
                    toast(sharingError(err), 'error');
                  },
                })
              }
            >
              {t('settings.leaveProject')}
            </Button>
          </div>
        ) : (
          <div className="flex justify-end">
            <Button variant="secondary" size="sm" onClick={() => setConfirmLeave(true)}>
              {t('settings.leave')}
            </Button>
          </div>
        )
      ) : null}
    </section>
  );
}

function Invitations({ projectId }: { projectId: string }) {
  const toast = useToast();
  const t = useT('projects');
  const invitations = useInvitations(projectId, true);
  const invite = useInvite(projectId);
  const revoke = useRevokeInvitation(projectId);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'editor' | 'viewer'>('editor');
  const [error, setError] = useState<string | undefined>();
  const pending = (invitations.data ?? []).filter((i) => i.status === 'pending');
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const r = validate(createInvitationBody, { email, role });
    if (r.errors) return setError(r.errors.email ?? Object.values(r.errors)[0]);
    setError(undefined);
    invite.mutate(r.data, {
      onSuccess: (inv) => {
        toast(t('settings.invitationSent', { email: inv.email }), 'success');
        setEmail('');
      },
      onError: (err) => setError(sharingError(err)),
    });
  };
  return (
    <section aria-labelledby="project-invite" className="space-y-3">
      <h3 id="project-invite" className={h3}>
        {t('settings.invite')}
      </h3>
      <form onSubmit={onSubmit} noValidate className="flex flex-wrap items-end gap-2">
        <TextField
          label={t('settings.email')}
          type="email"
          name="inviteEmail"
          className="min-w-48 flex-1"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={error}
        />
        <SelectField
          label={t('settings.roleLabel')}
          className="w-32"
          value={role}
          options={inviteRoleOptions()}
          onChange={(e) => setRole(e.target.value as 'editor' | 'viewer')}
        />
        <Button type="submit" busy={invite.isPending}>
          {t('settings.sendInvitation')}
        </Button>
      </form>
      <h4 className="text-sm font-medium text-slate-700 dark:text-slate-200">{t('settings.pending')}</h4>
      {pending.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">{t('settings.noneShort')}</p>
      ) : (
        <ul className="divide-y divide-slate-200 dark:divide-slate-700" data-testid="invitations">
          {pending.map((inv) => (
            <li key={inv.id} className="flex flex-wrap items-center gap-3 py-2 text-sm" data-testid="invitation">
              <span className="min-w-0 flex-1 break-all">{inv.email}</span>
              <span className="text-xs text-slate-600 dark:text-slate-300">
                {t('settings.until', { role: roleLabel(inv.role), date: formatDate(inv.expiresAt) })}
              </span>
              <Button
                variant="ghost"
                size="sm"
                aria-label={t('settings.revokeOf', { email: inv.email })}
                onClick={() =>
                  revoke.mutate(inv.id, {
                    onSuccess: () => toast(t('settings.revoked', { email: inv.email }), 'success'),
                    onError: (err) => toast(sharingError(err), 'error'),
                  })
                }
              >
                {t('settings.revoke')}
              </Button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Owners: a link to the project's webhooks page (its own route; this feature does not import the webhooks one). */
function WebhooksEntry({ projectId }: { projectId: string }) {
  const t = useT('projects');
  return (
    <section
      aria-labelledby="project-webhooks"
      className="space-y-2 border-t border-slate-200 pt-4 dark:border-slate-700"
    >
      <h3 id="project-webhooks" className={h3}>
        {t('settings.webhooksTitle')}
      </h3>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-slate-600 dark:text-slate-300">{t('settings.webhooksHint')}</p>
        <Link
          to="/projects/$projectId/webhooks"
          params={{ projectId }}
          className="rounded-md px-2.5 py-1.5 text-sm font-medium text-indigo-700 ring-1 ring-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-indigo-300 dark:ring-slate-600 dark:hover:bg-slate-800"
        >
          {t('settings.webhooksLink')}
        </Link>
      </div>
    </section>
  );
}

function DangerZone({ project, etag, onDeleted }: { project: Project; etag: string | null; onDeleted: () => void }) {
  const toast = useToast();
  const t = useT('projects');
  const del = useDeleteProject(project.id);
  const [confirm, setConfirm] = useState(false);
  return (
    <section
      aria-labelledby="project-danger"
      className="space-y-2 border-t border-slate-200 pt-4 dark:border-slate-700"
    >
      <h3 id="project-danger" className={h3}>
        {t('settings.deleteHeading')}
      </h3>
      <p className="text-sm text-slate-600 dark:text-slate-300">{t('settings.deleteWarning')}</p>
      {confirm ? (
        <div className="flex flex-wrap items-center justify-end gap-2">
          <Button variant="secondary" onClick={() => setConfirm(false)}>
            {t('settings.cancel')}
          </Button>
          <Button
            variant="danger"
            busy={del.isPending}
            onClick={() =>
              del.mutate(etag, {
                onSuccess: () => {
                  toast(t('settings.deleted', { name: project.name }), 'success');
                  onDeleted();
                },
                onError: (err) => toast(sharingError(err), 'error'),
              })
            }
          >
            {t('settings.deleteConfirm', { name: project.name })}
          </Button>
        </div>
      ) : (
        <div className="flex justify-end">
          <Button variant="danger" onClick={() => setConfirm(true)}>
            {t('settings.deleteStart')}
          </Button>
        </div>
      )}
    </section>
  );
}
