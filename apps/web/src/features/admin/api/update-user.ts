import type { User } from '@primetrade/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { adminKeys } from './keys';

export interface UserChange {
  role?: User['role'];
  isActive?: boolean;
}

/** PATCH /admin/users/:id { role?, isActive? }; disabling revokes every session of that user. */
export async function updateUser(id: string, change: UserChange): Promise<User> {
  return (await api<User>(`/admin/users/${encodeURIComponent(id)}`, { method: 'PATCH', json: change })).data;
}

export function useUpdateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, change }: { id: string; change: UserChange }) => updateUser(id, change),
    // Lists, the active-user count and the stats all change: read them again.
    onSettled: () => qc.invalidateQueries({ queryKey: adminKeys.all }),
  });
}
