/**
 * A project's webhooks (owners only): GET|POST /projects/:id/webhooks, PATCH|DELETE …/webhooks/:hookId,
 * GET …/:hookId/deliveries, POST …/deliveries/:deliveryId/redeliver. The contract: packages/shared webhooks.ts.
 */
import type { CreatedWebhook, CreateWebhookBody, PatchWebhookBody, Webhook, WebhookDelivery } from '@primetrade/shared';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

export const webhookKeys = {
  list: (projectId: string) => ['webhooks', projectId] as const,
  deliveries: (projectId: string, hookId: string) => ['webhooks', projectId, hookId, 'deliveries'] as const,
};

const base = (projectId: string) => `/projects/${encodeURIComponent(projectId)}/webhooks`;
const one = (projectId: string, hookId: string) => `${base(projectId)}/${encodeURIComponent(hookId)}`;

export async function listWebhooks(projectId: string, signal?: AbortSignal): Promise<Webhook[]> {
  return (await api<Webhook[]>(base(projectId), { signal })).data;
}

export const webhooksQueryOptions = (projectId: string) =>
  queryOptions({ queryKey: webhookKeys.list(projectId), queryFn: ({ signal }) => listWebhooks(projectId, signal) });

export const useWebhooks = (projectId: string) => useQuery(webhooksQueryOptions(projectId));

export async function createWebhook(projectId: string, body: CreateWebhookBody): Promise<CreatedWebhook> {
  return (await api<CreatedWebhook>(base(projectId), { method: 'POST', json: body })).data;
}

export function useCreateWebhook(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateWebhookBody) => createWebhook(projectId, body),
    onSettled: () => qc.invalidateQueries({ queryKey: webhookKeys.list(projectId) }),
  });
}

export async function updateWebhook(projectId: string, hookId: string, patch: PatchWebhookBody): Promise<Webhook> {
  return (await api<Webhook>(one(projectId, hookId), { method: 'PATCH', json: patch })).data;
}

export function useUpdateWebhook(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ hookId, patch }: { hookId: string; patch: PatchWebhookBody }) =>
      updateWebhook(projectId, hookId, patch),
    onSettled: () => qc.invalidateQueries({ queryKey: webhookKeys.list(projectId) }),
  });
}

export async function deleteWebhook(projectId: string, hookId: string): Promise<void> {
  await api<void>(one(projectId, hookId), { method: 'DELETE' });
}

export function useDeleteWebhook(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (hookId: string) => deleteWebhook(projectId, hookId),
    onSettled: () => qc.invalidateQueries({ queryKey: webhookKeys.list(projectId) }),
  });
}

export async function listDeliveries(projectId: string, hookId: string, signal?: AbortSignal) {
  return (await api<WebhookDelivery[]>(`${one(projectId, hookId)}/deliveries?limit=50`, { signal })).data;
}

export const useDeliveries = (projectId: string, hookId: string) =>
  useQuery({
    queryKey: webhookKeys.deliveries(projectId, hookId),
    queryFn: ({ signal }) => listDeliveries(projectId, hookId, signal),
  });

export async function redeliver(projectId: string, hookId: string, deliveryId: string): Promise<WebhookDelivery> {
  return (
    await api<WebhookDelivery>(`${one(projectId, hookId)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`, {
      method: 'POST',
    })
  ).data;
}

export function useRedeliver(projectId: string, hookId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) => redeliver(projectId, hookId, deliveryId),
    onSettled: () => qc.invalidateQueries({ queryKey: webhookKeys.deliveries(projectId, hookId) }),
  });
}
