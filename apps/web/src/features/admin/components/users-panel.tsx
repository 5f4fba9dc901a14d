import type { User } from '@primetrade/shared';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { FormError, TextField } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { errorMessage } from '../../../lib/api-error';
import { formatDate, formatNumber } from '../../../lib/format';
import { useT } from '../../../lib/i18n';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { useAdminUsers } from '../api/list-users';
import { type UserChange, useUpdateUser } from '../api/update-user';

export const PAGE_SIZE = 20;

/** The confirmation each change asks for. */
function describe(user: User, change: UserChange, t: ReturnType<typeof useT>) {
  const who = user.name || user.email;
  const kind =
    change.isActive === false
      ? 'disable'
      : change.isActive === true
        ? 'enable'
        : change.role === 'admin'
          ? 'promote'
          : 'demote';
  const vars = { who, email: user.email };
  return {
    title: t(`users.confirm.${kind}Title`, vars),
    text: t(`users.confirm.${kind}Text`, vars),
    action: t(`users.confirm.${kind}Action`, vars),
    done: t(`users.confirm.${kind}Done`, vars),
    danger: kind === 'disable' || kind === 'demote',
  };
}

const badge = 'rounded px-1.5 py-0.5 text-xs font-medium';

/** GET/PATCH /admin/users: search, pages, role change and disable/enable, each confirmed first. */
export function UsersPanel({ me }: { me: User }) {
  const t = useT('admin');
  const toast = useToast();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const search = useDebouncedValue(q, 300);
  const users = useAdminUsers({ q: search, page, limit: PAGE_SIZE });
  const update = useUpdateUser();
  const [pending, setPending] = useState<{ user: User; change: UserChange } | null>(null);
  const confirm = pending ? describe(pending.user, pending.change, t) : null;
  const meta = users.data?.meta;

  const apply = () => {
    if (!pending || !confirm) return;
    update.mutate(
      { id: pending.user.id, change: pending.change },
      {
        onSuccess: () => toast(confirm.done, 'success'),
        onError: (e) => toast(errorMessage(e), 'error'),
        onSettled: () => setPending(null),
      },
    );
  };

  return (
    <section
      aria-labelledby="admin-users"
      className="rounded-lg bg-white p-5 ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700"
    >
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="admin-users" className="text-lg font-semibold">
          {t('users.title')}
        </h2>
        <TextField
          label={t('users.search')}
          type="search"
          placeholder={t('users.searchPlaceholder')}
          value={q}
          maxLength={200}
          className="w-full sm:w-72"
          onChange={(e) => {
            setQ(e.target.value);
            setPage(1);
          }}
        />
      </div>
      {users.isPending ? (
        <Spinner label={t('users.loading')} />
      ) : users.isError ? (
        <FormError message={errorMessage(users.error)} />
      ) : users.data.users.length === 0 ? (
        <p className="mt-4 text-sm text-slate-600 dark:text-slate-300">
          {search.trim() ? t('users.noMatch', { q: search.trim() }) : t('users.none')}
        </p>
      ) : (
        <div className="mt-4">
          {/* A table from sm up; on a phone each row wraps into a card (name, badges, then the actions). */}
          <table className="block w-full text-left text-sm sm:table" aria-busy={users.isFetching || undefined}>
            <caption className="sr-only">{t('users.title')}</caption>
            <thead className="hidden text-xs text-slate-600 sm:table-header-group dark:text-slate-300">
              <tr>
                <th className="py-2 pr-3 font-medium">{t('users.name')}</th>
                <th className="py-2 pr-3 font-medium">{t('users.role')}</th>
                <th className="py-2 pr-3 font-medium">{t('users.status')}</th>
                <th className="hidden py-2 pr-3 font-medium sm:table-cell">{t('users.joined')}</th>
                <th className="py-2 text-right font-medium">{t('users.actions')}</th>
              </tr>
            </thead>
            <tbody className="block divide-y divide-slate-200 sm:table-row-group dark:divide-slate-700">
              {users.data.users.map((u) => {
                const self = u.id === me.id;
                return (
                  <tr
                    key={u.id}
                    data-testid="admin-user-row"
                    className="flex flex-wrap items-center gap-x-2 gap-y-1 py-2 sm:table-row"
                  >
                    <td className="block w-full min-w-0 sm:table-cell sm:w-auto sm:max-w-64 sm:py-2 sm:pr-3">
                      <div className="truncate font-medium">
                        {u.name}
                        {self ? (
                          <span className="ml-2 text-xs text-slate-600 dark:text-slate-300">{t('users.you')}</span>
                        ) : null}
                      </div>
                      <div className="truncate text-xs text-slate-600 dark:text-slate-300">{u.email}</div>
                    </td>
                    <td className="block sm:table-cell sm:py-2 sm:pr-3">
                      <span
                        className={`${badge} ${u.role === 'admin' ? 'bg-indigo-100 text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200' : 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200'}`}
                      >
                        {u.role === 'admin' ? t('users.admin') : t('users.user')}
                      </span>
                    </td>
                    <td className="block sm:table-cell sm:py-2 sm:pr-3">
                      <span
                        className={`${badge} ${u.isActive ? 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200' : 'bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200'}`}
                      >
                        {u.isActive ? t('users.active') : t('users.disabled')}
                      </span>
                    </td>
                    <td className="hidden py-2 pr-3 sm:table-cell">{formatDate(u.createdAt)}</td>
                    <td className="ml-auto block sm:table-cell sm:py-2">
                      {self ? (
                        <p className="text-right text-xs text-slate-600 dark:text-slate-300">{t('users.ownAccount')}</p>
                      ) : (
                        <div className="flex flex-wrap justify-end gap-2">
                          <Button
                            size="sm"
                            variant="secondary"
                            aria-label={t('users.actionFor', {
                              action: u.role === 'admin' ? t('users.removeAdmin') : t('users.makeAdmin'),
                              email: u.email,
                            })}
                            onClick={() =>
                              setPending({ user: u, change: { role: u.role === 'admin' ? 'user' : 'admin' } })
                            }
                          >
                            {u.role === 'admin' ? t('users.removeAdmin') : t('users.makeAdmin')}
                          </Button>
                          <Button
                            size="sm"
                            variant={u.isActive ? 'danger' : 'secondary'}
                            aria-label={t('users.actionFor', {
                              action: u.isActive ? t('users.disable') : t('users.enable'),
                              email: u.email,
                            })}
                            onClick={() => setPending({ user: u, change: { isActive: !u.isActive } })}
                          >
                            {u.isActive ? t('users.disable') : t('users.enable')}
                          </Button>
                        </div>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {meta && meta.total > 0 ? (
        <nav aria-label={t('users.pages')} className="mt-4 flex items-center justify-between gap-2 text-sm">
          <span className="text-slate-600 dark:text-slate-300">
            {t('users.page', {
              count: meta.total,
              total: formatNumber(meta.total),
              page: formatNumber(meta.page),
              pages: formatNumber(Math.max(meta.totalPages, 1)),
            })}
          </span>
          <div className="flex gap-2">
            <Button size="sm" variant="secondary" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
              {t('users.previous')}
            </Button>
            <Button
              size="sm"
              variant="secondary"
              disabled={page >= meta.totalPages}
              onClick={() => setPage((p) => p + 1)}
            >
              {t('users.next')}
            </Button>
          </div>
        </nav>
      ) : null}
      <Dialog
        open={pending !== null}
        onOpenChange={(open) => {
          if (!open && !update.isPending) setPending(null);
        }}
        title={confirm?.title ?? ''}
        description={confirm?.text}
      >
        <div className="flex justify-end gap-2">
          <Button variant="secondary" disabled={update.isPending} onClick={() => setPending(null)}>
            {t('users.cancel')}
          </Button>
          <Button variant={confirm?.danger ? 'danger' : 'primary'} busy={update.isPending} onClick={apply}>
            {confirm?.action}
          </Button>
        </div>
      </Dialog>
    </section>
  );
}
