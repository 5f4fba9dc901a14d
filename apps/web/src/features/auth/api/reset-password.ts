import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

export async function resetPassword(body: { token: string; password: string }): Promise<void> {
  await api<void>('/auth/reset-password', { method: 'POST', json: body, noRefresh: true });
}

export const useResetPassword = () => useMutation({ mutationFn: resetPassword });
