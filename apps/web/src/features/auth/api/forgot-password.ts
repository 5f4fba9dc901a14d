import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

export async function forgotPassword(body: { email: string }): Promise<void> {
  await api<void>('/auth/forgot-password', { method: 'POST', json: body, noRefresh: true });
}

export const useForgotPassword = () => useMutation({ mutationFn: forgotPassword });
