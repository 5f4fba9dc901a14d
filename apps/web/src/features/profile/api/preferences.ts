import type { Preferences } from '@primetrade/shared';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

const key = ['me', 'preferences'] as const;

export async function getPreferences(signal?: AbortSignal): Promise<Preferences> {
  return (await api<Preferences>('/users/me/preferences', { signal })).data;
}

export async function updatePreferences(body: Partial<Preferences>): Promise<Preferences> {
  return (await api<Preferences>('/users/me/preferences', { method: 'PATCH', json: body })).data;
}

export const preferencesQueryOptions = () =>
  queryOptions({ queryKey: key, queryFn: ({ signal }) => getPreferences(signal) });

export const usePreferences = () => useQuery(preferencesQueryOptions());

/** Optimistic: the control moves at once; a failure puts the previous values back. */
export function useUpdatePreferences() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updatePreferences,
    onMutate: async (body) => {
      await qc.cancelQueries({ queryKey: key });
      const previous = qc.getQueryData<Preferences>(key);
      if (previous) qc.setQueryData<Preferences>(key, { ...previous, ...body });
      return { previous };
    },
    onError: (_err, _body, context) => {
      if (context?.previous) qc.setQueryData(key, context.previous);
    },
    onSuccess: (prefs) => qc.setQueryData(key, prefs),
  });
}
