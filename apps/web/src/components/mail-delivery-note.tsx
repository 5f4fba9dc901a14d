/**
 * Wherever the app promises an email, this says when the server cannot send one: without SMTP_URL it keeps each
 * message as a file in its data folder (the server's start banner prints where), so the user knows to ask whoever
 * runs it instead of waiting for a mail that never comes. Nothing is shown while unknown or when mail is sent.
 */
import type { ServerInfo } from '@primetrade/shared';
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api-client';
import { cn } from '../lib/cn';
import { useT } from '../lib/i18n';

export const serverInfoQuery = {
  queryKey: ['server-info'] as const,
  queryFn: async ({ signal }: { signal: AbortSignal }) =>
    (await api<ServerInfo>('/server-info', { signal, noRefresh: true })).data,
  staleTime: 5 * 60_000,
  retry: false,
};

export function MailDeliveryNote({ className }: { className?: string }) {
  const t = useT('shell');
  const info = useQuery(serverInfoQuery).data;
  if (info?.mail.delivery !== 'outbox') return null;
  return (
    <p className={cn('text-xs text-slate-600 dark:text-slate-300', className)} data-testid="mail-delivery-note">
      {t('mailNote.before')}
      <code>outbox/</code>
      {t('mailNote.after')}
    </p>
  );
}
