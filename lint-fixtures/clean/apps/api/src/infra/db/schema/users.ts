export const users = { name: 'users', columns: ['id', 'email'] } as const;

export type UserRow = { id: string; email: string };
