/** Projects, members and invitations over the API (api.md "Projects, members, sharing"). */
import type {
  CreateInvitationBody,
  CreateProjectBody,
  PatchProjectBody,
  Project,
  ProjectInvitation,
  ProjectMember,
  ProjectRole,
} from '@primetrade/shared';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { projectKeys } from '../../../lib/projects';
import { queryKeys } from '../../../lib/query-keys';

const enc = encodeURIComponent;

export async function getProject(id: string, signal?: AbortSignal): Promise<{ project: Project; etag: string | null }> {
  const res = await api<Project>(`/projects/${enc(id)}`, { signal });
  return { project: res.data, etag: res.headers.get('etag') };
}

export const projectQueryOptions = (id: string) =>
  queryOptions({ queryKey: projectKeys.detail(id), queryFn: ({ signal }) => getProject(id, signal) });

export const useProject = (id: string) => useQuery(projectQueryOptions(id));

export function useCreateProject() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateProjectBody) =>
      (await api<Project>('/projects', { method: 'POST', json: body })).data,
    onSuccess: (project) => qc.setQueryData<Project[]>(projectKeys.list(), (list) => [...(list ?? []), project]),
    onSettled: () => qc.invalidateQueries({ queryKey: projectKeys.list() }),
  });
}

export function useUpdateProject(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ patch, ifMatch }: { patch: PatchProjectBody; ifMatch: string | null }) => {
      const res = await api<Project>(`/projects/${enc(id)}`, {
        method: 'PATCH',
        json: patch,
        headers: ifMatch ? { 'if-match': ifMatch } : {},
      });
      return { project: res.data, etag: res.headers.get('etag') };
    },
    onSuccess: (r) => qc.setQueryData(projectKeys.detail(id), r),
    onSettled: () => qc.invalidateQueries({ queryKey: projectKeys.all }),
  });
}

export function useDeleteProject(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (ifMatch: string | null) => {
      await api<void>(`/projects/${enc(id)}`, { method: 'DELETE', headers: ifMatch ? { 'if-match': ifMatch } : {} });
    },
    onSuccess: () => {
      qc.setQueryData<Project[]>(projectKeys.list(), (list) => list?.filter((p) => p.id !== id));
      qc.removeQueries({ queryKey: projectKeys.detail(id) });
      void qc.invalidateQueries({ queryKey: queryKeys.tasks.all });
    },
  });
}

export function useSetMemberRole(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ userId, role }: { userId: string; role: ProjectRole }) =>
      (
        await api<ProjectMember>(`/projects/${enc(projectId)}/members/${enc(userId)}`, {
          method: 'PATCH',
          json: { role },
        })
      ).data,
    onSettled: () => qc.invalidateQueries({ queryKey: projectKeys.all }),
  });
}

/** Removes a member; the caller's own id is "Leave". */
export function useRemoveMember(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (userId: string) => {
      await api<void>(`/projects/${enc(projectId)}/members/${enc(userId)}`, { method: 'DELETE' });
    },
    onSettled: () => qc.invalidateQueries({ queryKey: projectKeys.all }),
  });
}

export const invitationsQueryOptions = (projectId: string) =>
  queryOptions({
    queryKey: projectKeys.invitations(projectId),
    queryFn: async ({ signal }) =>
      (await api<ProjectInvitation[]>(`/projects/${enc(projectId)}/invitations`, { signal })).data,
  });

export const useInvitations = (projectId: string, enabled: boolean) =>
  useQuery({ ...invitationsQueryOptions(projectId), enabled });

export function useInvite(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateInvitationBody) =>
      (await api<ProjectInvitation>(`/projects/${enc(projectId)}/invitations`, { method: 'POST', json: body })).data,
    onSettled: () => qc.invalidateQueries({ queryKey: projectKeys.invitations(projectId) }),
  });
}

export function useRevokeInvitation(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (invId: string) => {
      await api<void>(`/projects/${enc(projectId)}/invitations/${enc(invId)}`, { method: 'DELETE' });
    },
    onSettled: () => qc.invalidateQueries({ queryKey: projectKeys.invitations(projectId) }),
  });
}

export async function acceptInvitation(token: string): Promise<Project> {
  return (await api<Project>('/invitations/accept', { method: 'POST', json: { token } })).data;
}

export function useAcceptInvitation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: acceptInvitation,
    onSuccess: (project) => {
      qc.setQueryData<Project[]>(projectKeys.list(), (list) =>
        list ? [...list.filter((p) => p.id !== project.id), project] : list,
      );
      void qc.invalidateQueries({ queryKey: projectKeys.list() });
      void qc.invalidateQueries({ queryKey: queryKeys.tasks.all });
    },
  });
}
