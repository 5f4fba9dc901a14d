import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { endLocalSession } from '../../../lib/session';
import { runSignOutHooks } from '../../../lib/sign-out-hooks';

/**
 * The account goes first (a wrong password must not switch anything off); then the sign-out hooks with
 * `sessionEnded` — the account's server rows (push subscriptions included) went with it, so only the browser's
 * state is cleared.
 */
export async function deleteAccount(body: { password: string }): Promise<void> {
  await api<void>('/users/me', { method: 'DELETE', json: body });
  await runSignOutHooks({ sessionEnded: true });
}

export function useDeleteAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteAccount,
    onSuccess: () => endLocalSession(qc),
  });
}
