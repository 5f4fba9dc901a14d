import type { UpdateMeBody, User } from '@primetrade/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { queryKeys } from '../../../lib/query-keys';

export async function updateMe(body: UpdateMeBody): Promise<User> {
  return (await api<User>('/users/me', { method: 'PATCH', json: body })).data;
}

/** Name/timezone, or email with the current password. */
export function useUpdateMe() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateMe,
    onSuccess: (user) => {
      qc.setQueryData(queryKeys.me, user);
      // The timezone changes the stats' days.
      void qc.invalidateQueries({ queryKey: queryKeys.tasks.stats() });
    },
  });
}
