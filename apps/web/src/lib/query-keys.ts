/**
 * Query keys shared across layers (features never import each other, so the keys that real-time updates and
 * several features touch live here).
 */
export const queryKeys = {
  me: ['me'] as const,
  tasks: {
    all: ['tasks'] as const,
    lists: () => ['tasks', 'list'] as const,
    list: (filters: object) => ['tasks', 'list', filters] as const,
    detail: (id: string) => ['tasks', 'detail', id] as const,
    history: (id: string) => ['tasks', 'history', id] as const,
    stats: () => ['tasks', 'stats'] as const,
  },
  sessions: ['sessions'] as const,
};
