import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

/** An external sign-in provider (OpenID Connect) the server is configured with. */
export interface SignInProvider {
  id: string;
  name: string;
  startUrl: string;
}

export async function listProviders(signal?: AbortSignal): Promise<SignInProvider[]> {
  return (await api<SignInProvider[]>('/auth/oidc/providers', { signal, noRefresh: true })).data;
}

export const providersQueryOptions = () =>
  queryOptions({
    queryKey: ['auth', 'oidc-providers'] as const,
    queryFn: ({ signal }) => listProviders(signal),
    staleTime: 5 * 60_000,
    retry: false,
  });

/** The configured providers; an empty list when none is configured or the request fails. */
export const useProviders = () => useQuery(providersQueryOptions());
