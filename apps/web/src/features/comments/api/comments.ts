/** Comments on a task over the API (GET|POST /tasks/:id/comments, PATCH|DELETE /tasks/:id/comments/:commentId). */
import type { Comment } from '@primetrade/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

const enc = encodeURIComponent;
export const commentsKey = (taskId: string) => ['comments', taskId] as const;

export const useComments = (taskId: string) =>
  useQuery({
    queryKey: commentsKey(taskId),
    queryFn: async ({ signal }) => (await api<Comment[]>(`/tasks/${enc(taskId)}/comments`, { signal })).data,
  });

export function useAddComment(taskId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: string) =>
      (await api<Comment>(`/tasks/${enc(taskId)}/comments`, { method: 'POST', json: { body } })).data,
    onSuccess: (c) => qc.setQueryData<Comment[]>(commentsKey(taskId), (list) => [...(list ?? []), c]),
    onSettled: () => qc.invalidateQueries({ queryKey: commentsKey(taskId) }),
  });
}

export function useEditComment(taskId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, body }: { id: string; body: string }) =>
      (await api<Comment>(`/tasks/${enc(taskId)}/comments/${enc(id)}`, { method: 'PATCH', json: { body } })).data,
    onSuccess: (c) =>
      qc.setQueryData<Comment[]>(commentsKey(taskId), (list) => list?.map((x) => (x.id === c.id ? c : x))),
    onSettled: () => qc.invalidateQueries({ queryKey: commentsKey(taskId) }),
  });
}

export function useDeleteComment(taskId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      await api<void>(`/tasks/${enc(taskId)}/comments/${enc(id)}`, { method: 'DELETE' });
    },
    onSuccess: (_r, id) => qc.setQueryData<Comment[]>(commentsKey(taskId), (list) => list?.filter((x) => x.id !== id)),
    onSettled: () => qc.invalidateQueries({ queryKey: commentsKey(taskId) }),
  });
}
