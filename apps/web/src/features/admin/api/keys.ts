/** The admin feature's query keys (nothing outside the feature reads them; a sign-out clears the whole cache). */
export const adminKeys = {
  all: ['admin'] as const,
  users: (params: { q: string; page: number; limit: number }) => ['admin', 'users', params] as const,
  stats: () => ['admin', 'stats'] as const,
  jobs: () => ['admin', 'jobs'] as const,
};
