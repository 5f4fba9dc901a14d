import type { AuditEvent, MfaStatus, TotpEnrolment } from '@primetrade/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { queryKeys } from '../../../lib/query-keys';

const mfaKey = ['mfa'] as const;
export const activityKey = ['me', 'audit'] as const;

export const useMfaStatus = () =>
  useQuery({ queryKey: mfaKey, queryFn: async ({ signal }) => (await api<MfaStatus>('/auth/mfa', { signal })).data });

/** Every two-factor change revokes the other sessions and is recorded: refresh those lists too. */
function useMfaMutation<V, R>(send: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: mfaKey });
      void qc.invalidateQueries({ queryKey: queryKeys.sessions });
      void qc.invalidateQueries({ queryKey: activityKey });
    },
  });
}

export const useStartTotp = () =>
  useMfaMutation(async () => (await api<TotpEnrolment>('/auth/mfa/totp', { method: 'POST' })).data);

export const useConfirmTotp = () =>
  useMfaMutation(
    async (code: string) =>
      (await api<{ recoveryCodes: string[] }>('/auth/mfa/totp/confirm', { method: 'POST', json: { code } })).data,
  );

export const useDisableTotp = () =>
  useMfaMutation(
    async (body: { password: string; code: string }) =>
      (await api<MfaStatus>('/auth/mfa/totp', { method: 'DELETE', json: body })).data,
  );

/** GET /users/me/audit: the caller's own sign-ins, sessions and security changes, newest first. */
export const useMyActivity = () =>
  useQuery({
    queryKey: activityKey,
    queryFn: async ({ signal }) => (await api<AuditEvent[]>('/users/me/audit', { query: { limit: 20 }, signal })).data,
  });
