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

export function useUpdatePreferences() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updatePreferences,
    onSuccess: (prefs) => qc.setQueryData(key, prefs),
  });
}
