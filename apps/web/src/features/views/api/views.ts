/** Saved views over the API (GET|POST /views, PATCH|DELETE /views/:id), cached under one key. */
import type { CreateViewBody, PatchViewBody, SavedView } from '@primetrade/shared';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

export const viewsKey = ['views'] as const;

export async function listViews(signal?: AbortSignal): Promise<SavedView[]> {
  return (await api<SavedView[]>('/views', { signal })).data;
}

export const viewsQueryOptions = () =>
  queryOptions({ queryKey: viewsKey, queryFn: ({ signal }) => listViews(signal), staleTime: 60_000 });

export const useViews = () => useQuery(viewsQueryOptions());

/** `list` with view `id` at index `to`, positions renumbered (what the server answers after a move). */
export function moved(list: SavedView[], id: string, to: number): SavedView[] {
  const item = list.find((v) => v.id === id);
  if (!item) return list;
  const rest = list.filter((v) => v.id !== id);
  rest.splice(Math.min(Math.max(to, 0), rest.length), 0, item);
  return rest.map((v, i) => (v.position === i ? v : { ...v, position: i }));
}

export function useCreateView() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateViewBody) => (await api<SavedView>('/views', { method: 'POST', json: body })).data,
    onSuccess: (view) => qc.setQueryData<SavedView[]>(viewsKey, (list) => [...(list ?? []), view]),
    onSettled: () => qc.invalidateQueries({ queryKey: viewsKey }),
  });
}

/** Rename or move; a move shows at once (optimistic) and is undone if the server refuses it. */
export function useUpdateView() {
  const qc = useQueryClient();
  return useMutation<SavedView, unknown, { id: string; patch: PatchViewBody }, { before?: SavedView[] | undefined }>({
    mutationFn: async ({ id, patch }) =>
      (await api<SavedView>(`/views/${encodeURIComponent(id)}`, { method: 'PATCH', json: patch })).data,
    onMutate: async ({ id, patch }) => {
      await qc.cancelQueries({ queryKey: viewsKey });
      const before = qc.getQueryData<SavedView[]>(viewsKey);
      if (before) {
        let next =
          patch.name !== undefined ? before.map((v) => (v.id === id ? { ...v, name: patch.name! } : v)) : before;
        if (patch.position !== undefined) next = moved(next, id, patch.position);
        qc.setQueryData(viewsKey, next);
      }
      return { before };
    },
    onError: (_e, _v, ctx) => {
      if (ctx?.before) qc.setQueryData(viewsKey, ctx.before);
    },
    onSettled: () => qc.invalidateQueries({ queryKey: viewsKey }),
  });
}

export function useDeleteView() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      await api<void>(`/views/${encodeURIComponent(id)}`, { method: 'DELETE' });
    },
    onSuccess: (_r, id) =>
      qc.setQueryData<SavedView[]>(viewsKey, (list) => (list ? moved(list, id, 0).filter((v) => v.id !== id) : list)),
    onSettled: () => qc.invalidateQueries({ queryKey: viewsKey }),
  });
}
