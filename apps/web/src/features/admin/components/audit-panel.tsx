import { AUDIT_EVENT_TYPES } from '@primetrade/shared';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { FormError, SelectField, TextField } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { errorMessage } from '../../../lib/api-error';
import { formatDateTime } from '../../../lib/format';
import { useT } from '../../../lib/i18n';
import { useAdminAudit } from '../api/list-audit';

export const AUDIT_PAGE_SIZE = 25;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The audit log: every security event and admin action, newest first, filtered by user and type, paged back in time. */
export function AuditPanel() {
  const t = useT('admin');
  const typeOptions = [
    { value: '', label: t('audit.anyType') },
    ...AUDIT_EVENT_TYPES.map((type) => ({ value: type, label: type })),
  ];
  const [userId, setUserId] = useState('');
  const [type, setType] = useState('');
  // The cursors of the pages before this one (Back) and this one's.
  const [cursors, setCursors] = useState<string[]>(['']);
  const before = cursors.at(-1) ?? '';
  const validUser = userId.trim() === '' || UUID_RE.test(userId.trim());
  const audit = useAdminAudit({ userId: validUser ? userId : '', type, before, limit: AUDIT_PAGE_SIZE });
  const reset = () => setCursors(['']);

  return (
    <section aria-labelledby="audit-heading" className="space-y-3">
      <h2 id="audit-heading" className="text-lg font-semibold">
        {t('audit.title')}
      </h2>
      <div className="flex flex-wrap items-end gap-3">
        <TextField
          label={t('audit.userId')}
          name="userId"
          value={userId}
          placeholder={t('audit.anyUser')}
          error={validUser ? undefined : t('audit.badUserId')}
          onChange={(e) => {
            setUserId(e.target.value);
            reset();
          }}
        />
        <SelectField
          label={t('audit.type')}
          name="type"
          value={type}
          options={typeOptions}
          onChange={(e) => {
            setType(e.target.value);
            reset();
          }}
        />
      </div>
      {audit.isPending ? (
        <Spinner label={t('audit.loading')} />
      ) : audit.isError ? (
        <FormError message={errorMessage(audit.error)} />
      ) : (
        <>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" aria-label={t('audit.events')}>
              <thead className="text-xs uppercase text-slate-600 dark:text-slate-300">
                <tr>
                  <th className="py-2 pr-3">{t('audit.when')}</th>
                  <th className="py-2 pr-3">{t('audit.event')}</th>
                  <th className="py-2 pr-3">{t('audit.user')}</th>
                  <th className="py-2 pr-3">{t('audit.by')}</th>
                  <th className="py-2 pr-3">{t('audit.from')}</th>
                  <th className="py-2">{t('audit.details')}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200 dark:divide-slate-700">
                {audit.data.events.map((e) => (
                  <tr key={e.id} className="align-top">
                    <td className="py-2 pr-3 whitespace-nowrap">{formatDateTime(e.at)}</td>
                    <td className="py-2 pr-3 font-mono text-xs">{e.type}</td>
                    <td className="py-2 pr-3 font-mono text-xs">
                      {e.userId ? (
                        <button
                          type="button"
                          className="text-indigo-700 hover:underline dark:text-indigo-300"
                          title={t('audit.onlyUser')}
                          onClick={() => {
                            setUserId(e.userId ?? '');
                            reset();
                          }}
                        >
                          {e.userId.slice(0, 8)}
                        </button>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td className="py-2 pr-3 font-mono text-xs">
                      {e.actorId ? (e.actorId === e.userId ? t('audit.self') : e.actorId.slice(0, 8)) : '—'}
                    </td>
                    <td className="py-2 pr-3 text-xs">{e.ip ?? '—'}</td>
                    <td className="py-2 font-mono text-xs break-all">
                      {Object.keys(e.details).length ? JSON.stringify(e.details) : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {audit.data.events.length === 0 ? <p className="py-2 text-sm">{t('audit.empty')}</p> : null}
          </div>
          <div className="flex gap-2">
            <Button
              variant="secondary"
              size="sm"
              disabled={cursors.length < 2}
              onClick={() => setCursors(cursors.slice(0, -1))}
            >
              {t('audit.newer')}
            </Button>
            <Button
              variant="secondary"
              size="sm"
              disabled={!audit.data.meta.hasMore}
              onClick={() => audit.data.meta.nextBefore && setCursors([...cursors, audit.data.meta.nextBefore])}
            >
              {t('audit.older')}
            </Button>
          </div>
        </>
      )}
    </section>
  );
}
