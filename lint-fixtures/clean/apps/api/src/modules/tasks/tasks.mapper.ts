import type { TaskRow } from '../../infra/db/schema';

export function toDto(row: TaskRow) {
  return { id: row.id, title: row.title };
}
