export const tasks = { name: 'tasks', columns: ['id', 'title'] } as const;

export type TaskRow = { id: string; title: string };
