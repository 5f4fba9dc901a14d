import type { CreatePushSubscriptionBody, PushSubscriptionDto } from '@primetrade/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

/** GET /push/vapid-public-key: the applicationServerKey; 503 while the server has no VAPID keys (push off). */
export async function fetchVapidPublicKey(signal?: AbortSignal): Promise<string> {
  return (await api<{ publicKey: string }>('/push/vapid-public-key', { signal })).data.publicKey;
}

/** The key changes only with the server's configuration; a 503 (push off) is an answer, not worth retrying. */
export const vapidKeyQueryOptions = () =>
  queryOptions({
    queryKey: ['push', 'vapidPublicKey'] as const,
    queryFn: ({ signal }) => fetchVapidPublicKey(signal),
    staleTime: 60 * 60_000,
    retry: false,
  });

export const useVapidPublicKey = () => useQuery(vapidKeyQueryOptions());

/** POST /push/subscriptions: 201 new, 200 the same endpoint updated (same id). */
export async function savePushSubscription(body: CreatePushSubscriptionBody): Promise<PushSubscriptionDto> {
  return (await api<PushSubscriptionDto>('/push/subscriptions', { method: 'POST', json: body })).data;
}

/** DELETE /push/subscriptions/:id. */
export async function deletePushSubscription(id: string): Promise<void> {
  await api<void>(`/push/subscriptions/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
