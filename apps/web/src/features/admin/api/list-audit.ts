import type { AuditEvent } from '@primetrade/shared';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

export interface AuditParams {
  userId: string;
  type: string;
  /** The cursor: the last event id of the previous page (empty: the newest). */
  before: string;
  limit: number;
}

interface AuditMeta {
  limit: number;
  hasMore: boolean;
  nextBefore: string | null;
}

/** GET /admin/audit?userId=&type=&before=&limit= (administrators only). */
export async function listAudit(params: AuditParams, signal?: AbortSignal) {
  const res = await api<AuditEvent[], AuditMeta>('/admin/audit', {
    query: {
      userId: params.userId.trim() || undefined,
      type: params.type || undefined,
      before: params.before || undefined,
      limit: params.limit,
    },
    signal,
  });
  return { events: res.data, meta: res.meta as AuditMeta };
}

export const auditQueryOptions = (params: AuditParams) =>
  queryOptions({
    queryKey: ['admin', 'audit', params] as const,
    queryFn: ({ signal }) => listAudit(params, signal),
    placeholderData: keepPreviousData,
  });

export const useAdminAudit = (params: AuditParams) => useQuery(auditQueryOptions(params));
