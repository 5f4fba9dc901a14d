import { changeEmailBody, changePasswordBody, deleteMeBody, type User, updateProfileBody } from '@primetrade/shared';
import { type ReactNode, useMemo, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { FormError, SelectField, TextField } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { errorMessage } from '../../../lib/api-error';
import { formatDateTime } from '../../../lib/format';
import { useSchemaForm } from '../../../lib/form';
import { useChangePassword } from '../api/change-password';
import { useDeleteAccount } from '../api/delete-account';
import { useSessions } from '../api/list-sessions';
import { useLogoutAll } from '../api/logout-all';
import { useRevokeSession } from '../api/revoke-session';
import { usePreferences, useUpdatePreferences } from '../api/preferences';
import { useUpdateMe } from '../api/update-me';

function Section({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  const id = title.toLowerCase().replace(/\W+/g, '-');
  return (
    <section aria-labelledby={id} className="rounded-lg bg-white p-6 ring-1 ring-slate-200">
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      {description ? <p className="mt-1 text-sm text-slate-600">{description}</p> : null}
      <div className="mt-4">{children}</div>
    </section>
  );
}

function timeZones(current: string): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return [...new Set(['UTC', current, ...zones])];
}

function ProfileForm({ user }: { user: User }) {
  const toast = useToast();
  const mutation = useUpdateMe();
  const zones = useMemo(() => timeZones(user.timezone).map((z) => ({ value: z, label: z })), [user.timezone]);
  const { errors, onSubmit } = useSchemaForm(updateProfileBody, ['name', 'timezone'], (data, { showServerErrors }) =>
    mutation.mutate(data, { onSuccess: () => toast('Profile saved', 'success'), onError: showServerErrors }),
  );
  return (
    <form onSubmit={onSubmit} noValidate className="max-w-md space-y-4">
      <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
      <TextField label="Name" name="name" defaultValue={user.name} autoComplete="name" error={errors.name} />
      <SelectField
        label="Time zone"
        name="timezone"
        defaultValue={user.timezone}
        options={zones}
        error={errors.timezone}
      />
      <Button type="submit" busy={mutation.isPending}>
        Save profile
      </Button>
    </form>
  );
}

/** A form that changes a credential: once the server accepts it, it is cleared (no password left in the DOM). */
function useCredentialForm<T>(
  schema: Parameters<typeof useSchemaForm<T>>[0],
  fields: readonly string[],
  mutate: (data: T, options: { onSuccess: () => void; onError: (err: unknown) => void }) => void,
  message: string,
) {
  const toast = useToast();
  return useSchemaForm<T>(schema, fields, (data, { form, showServerErrors }) =>
    mutate(data, {
      onSuccess: () => {
        form.reset();
        toast(message, 'success');
      },
      onError: showServerErrors,
    }),
  );
}

function CurrentPasswordField({ error }: { error: string | undefined }) {
  return (
    <TextField
      label="Current password"
      name="currentPassword"
      type="password"
      autoComplete="current-password"
      error={error}
    />
  );
}

function EmailForm({ user }: { user: User }) {
  const mutation = useUpdateMe();
  const { errors, onSubmit } = useCredentialForm(
    changeEmailBody,
    ['email', 'currentPassword'],
    mutation.mutate,
    'Email changed. Check your inbox to verify it.',
  );
  return (
    <form onSubmit={onSubmit} noValidate className="max-w-md space-y-4">
      <p className="text-sm">
        Current: <span className="font-medium">{user.email}</span>{' '}
        {user.emailVerified ? (
          <span className="text-emerald-700">(verified)</span>
        ) : (
          <span className="text-amber-700">(not verified)</span>
        )}
      </p>
      <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
      <TextField label="New email" name="email" type="email" autoComplete="email" error={errors.email} />
      <CurrentPasswordField error={errors.currentPassword} />
      <Button type="submit" busy={mutation.isPending}>
        Change email
      </Button>
    </form>
  );
}

function PasswordForm() {
  const mutation = useChangePassword();
  const { errors, onSubmit } = useCredentialForm(
    changePasswordBody,
    ['currentPassword', 'newPassword'],
    mutation.mutate,
    'Password changed; your other sessions were signed out.',
  );
  return (
    <form onSubmit={onSubmit} noValidate className="max-w-md space-y-4">
      <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
      <CurrentPasswordField error={errors.currentPassword} />
      <TextField
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        hint="8 to 128 characters."
        error={errors.newPassword}
      />
      <Button type="submit" busy={mutation.isPending}>
        Change password
      </Button>
    </form>
  );
}

function Sessions({ onSignedOut }: { onSignedOut: () => void }) {
  const toast = useToast();
  const sessions = useSessions();
  const revoke = useRevokeSession();
  const logoutAll = useLogoutAll();
  if (sessions.isPending) return <Spinner label="Loading sessions" />;
  if (sessions.isError) return <FormError message={errorMessage(sessions.error)} />;
  return (
    <div className="space-y-4">
      <ul className="divide-y divide-slate-200" aria-label="Sessions">
        {sessions.data.map((s) => (
          <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 py-3 text-sm">
            <div className="min-w-0">
              <p className="truncate font-medium">
                {s.userAgent ?? 'Unknown device'}
                {s.current ? (
                  <span className="ml-2 rounded bg-emerald-100 px-1.5 py-0.5 text-xs text-emerald-800">
                    This device
                  </span>
                ) : null}
              </p>
              <p className="text-xs text-slate-600">
                {s.ip ?? 'unknown address'} · signed in {formatDateTime(s.createdAt)} · last used{' '}
                {formatDateTime(s.lastUsedAt)}
              </p>
            </div>
            {s.current ? null : (
              <Button
                size="sm"
                variant="secondary"
                busy={revoke.isPending && revoke.variables === s.id}
                onClick={() =>
                  revoke.mutate(s.id, {
                    onSuccess: () => toast('Session revoked', 'success'),
                    onError: (e) => toast(errorMessage(e), 'error'),
                  })
                }
              >
                Revoke
              </Button>
            )}
          </li>
        ))}
      </ul>
      <Button
        variant="danger"
        busy={logoutAll.isPending}
        onClick={() =>
          logoutAll.mutate(undefined, { onSuccess: onSignedOut, onError: (e) => toast(errorMessage(e), 'error') })
        }
      >
        Log out everywhere
      </Button>
    </div>
  );
}

function DeleteAccount({ onSignedOut }: { onSignedOut: () => void }) {
  const mutation = useDeleteAccount();
  const [open, setOpen] = useState(false);
  const { errors, onSubmit } = useSchemaForm(deleteMeBody, ['password'], (data) =>
    mutation.mutate(data, { onSuccess: onSignedOut }),
  );
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete my account
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title="Delete your account?"
        description="Your account, every task and every session are deleted for good."
      >
        <form onSubmit={onSubmit} noValidate className="space-y-4">
          <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
          <TextField
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            error={errors.password}
          />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" variant="danger" busy={mutation.isPending}>
              Delete account
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

const LEAD_TIMES = [
  { value: '60', label: '1 hour before' },
  { value: '180', label: '3 hours before' },
  { value: '720', label: '12 hours before' },
  { value: '1440', label: '1 day before' },
  { value: '2880', label: '2 days before' },
  { value: '10080', label: '1 week before' },
];

function Reminders() {
  const toast = useToast();
  const prefs = usePreferences();
  const mutation = useUpdatePreferences();
  if (!prefs.data) return prefs.isError ? <FormError message={errorMessage(prefs.error)} /> : <Spinner />;
  const p = prefs.data;
  const save = (body: { remindersEnabled?: boolean; reminderLeadMinutes?: number }) =>
    mutation.mutate(body, { onSuccess: () => toast('Reminder settings saved', 'success') });
  const leads = LEAD_TIMES.some((l) => Number(l.value) === p.reminderLeadMinutes)
    ? LEAD_TIMES
    : [...LEAD_TIMES, { value: String(p.reminderLeadMinutes), label: `${p.reminderLeadMinutes} minutes before` }];
  return (
    <div className="max-w-md space-y-4">
      <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={p.remindersEnabled}
          onChange={(e) => save({ remindersEnabled: e.currentTarget.checked })}
        />
        Email me about tasks that are due soon or overdue
      </label>
      <SelectField
        label="Due-soon reminder"
        name="reminderLeadMinutes"
        value={String(p.reminderLeadMinutes)}
        options={leads}
        disabled={!p.remindersEnabled}
        onChange={(e) => save({ reminderLeadMinutes: Number(e.currentTarget.value) })}
      />
    </div>
  );
}

export function ProfilePage({ user, onSignedOut }: { user: User; onSignedOut: () => void }) {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Profile</h1>
      <Section title="Your details">
        <ProfileForm user={user} />
      </Section>
      <Section title="Email">
        <EmailForm user={user} />
      </Section>
      <Section title="Reminders" description="Sent in your time zone; several at once arrive as one digest.">
        <Reminders />
      </Section>
      <Section title="Password" description="Changing it signs out every other session.">
        <PasswordForm />
      </Section>
      <Section title="Sessions" description="Where you are signed in.">
        <Sessions onSignedOut={onSignedOut} />
      </Section>
      <Section title="Danger zone">
        <DeleteAccount onSignedOut={onSignedOut} />
      </Section>
    </div>
  );
}
