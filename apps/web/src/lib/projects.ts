/**
 * The caller's projects (GET /projects, inbox first) and their members: read by the projects feature (sidebar,
 * project page) and by the task form (project and assignee selects), so the query lives here, not in a feature.
 */
import type { Project, ProjectMember } from '@primetrade/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from './api-client';

export const projectKeys = {
  all: ['projects'] as const,
  list: () => ['projects', 'list'] as const,
  detail: (id: string) => ['projects', 'detail', id] as const,
  members: (id: string) => ['projects', 'members', id] as const,
  invitations: (id: string) => ['projects', 'invitations', id] as const,
};

export async function listProjects(signal?: AbortSignal): Promise<Project[]> {
  return (await api<Project[]>('/projects', { signal })).data;
}

export const projectsQueryOptions = () =>
  queryOptions({ queryKey: projectKeys.list(), queryFn: ({ signal }) => listProjects(signal), staleTime: 30_000 });

export const useProjects = () => useQuery(projectsQueryOptions());

export async function listMembers(projectId: string, signal?: AbortSignal): Promise<ProjectMember[]> {
  return (await api<ProjectMember[]>(`/projects/${encodeURIComponent(projectId)}/members`, { signal })).data;
}

export const membersQueryOptions = (projectId: string) =>
  queryOptions({
    queryKey: projectKeys.members(projectId),
    queryFn: ({ signal }) => listMembers(projectId, signal),
    staleTime: 30_000,
  });

/** The members of a project (none asked for while `projectId` is empty). */
export const useMembers = (projectId: string | null | undefined) =>
  useQuery({ ...membersQueryOptions(projectId ?? ''), enabled: Boolean(projectId) });

/** Initials of a name for a small avatar ("Ada Lovelace" → "AL"). */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const first = parts[0]?.[0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}

/** A project's colour, or a neutral grey when it has none. */
export const projectColor = (p: Pick<Project, 'color'> | undefined | null) => p?.color ?? '#94a3b8';
