import type { ApiToken, CreatedApiToken, CreateTokenBody } from '@primetrade/shared';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

/** Only this page reads the caller's API tokens. */
const apiTokensKey = ['apiTokens'] as const;

export async function listApiTokens(signal?: AbortSignal): Promise<ApiToken[]> {
  return (await api<ApiToken[]>('/tokens', { signal })).data;
}

export const apiTokensQueryOptions = () =>
  queryOptions({ queryKey: apiTokensKey, queryFn: ({ signal }) => listApiTokens(signal) });

export const useApiTokens = () => useQuery(apiTokensQueryOptions());

export async function createApiToken(body: CreateTokenBody): Promise<CreatedApiToken> {
  return (await api<CreatedApiToken>('/tokens', { method: 'POST', json: body })).data;
}

export function useCreateApiToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createApiToken,
    onSettled: () => qc.invalidateQueries({ queryKey: apiTokensKey }),
  });
}

export async function revokeApiToken(id: string): Promise<void> {
  await api<void>(`/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export function useRevokeApiToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: revokeApiToken,
    onSettled: () => qc.invalidateQueries({ queryKey: apiTokensKey }),
  });
}
