/**
 * Board order, the pure part: tasks grouped into status columns in `position` order, and where a drop lands.
 * A drop on a card puts the moved task in that card's slot (dnd-kit's sortable semantics: dragged down within a
 * column it goes after the card, otherwise before it); a drop on a column (its empty space) puts it at the end.
 * The API is told the neighbours — `before`: the task it now sits immediately before, `after`: immediately after
 * (api.md, "Tasks in projects") — and computes the key itself.
 */
import type { Task, TaskStatus } from '@primetrade/shared';

export const BOARD_STATUSES = ['pending', 'in_progress', 'completed', 'cancelled'] as const satisfies TaskStatus[];
export type Columns = Record<TaskStatus, Task[]>;

/** The droppable id of a column's own area (cards use their task id). */
export const columnId = (status: TaskStatus) => `column:${status}`;
const statusOfColumnId = (id: string): TaskStatus | null =>
  id.startsWith('column:') && (BOARD_STATUSES as readonly string[]).includes(id.slice(7))
    ? (id.slice(7) as TaskStatus)
    : null;

/** Keys compare byte-wise (the server's collate "C"); tasks without a key go last, oldest first. */
export function byPosition(a: Task, b: Task): number {
  if (a.position !== null && b.position !== null) {
    if (a.position !== b.position) return a.position < b.position ? -1 : 1;
  } else if (a.position !== b.position) {
    return a.position === null ? 1 : -1;
  }
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
}

export function toColumns(tasks: readonly Task[]): Columns {
  const columns: Columns = { pending: [], in_progress: [], completed: [], cancelled: [] };
  for (const t of tasks) columns[t.status].push(t);
  for (const s of BOARD_STATUSES) columns[s].sort(byPosition);
  return columns;
}

export interface PlannedMove {
  taskId: string;
  status: TaskStatus;
  /** True when the task changes column. */
  statusChanged: boolean;
  /** The task it now sits immediately before / after (undefined at an end of the column). */
  before?: string;
  after?: string;
  /** The columns as they look after the move (shown at once, rolled back if the server refuses). */
  columns: Columns;
}

/** The move a drop of `activeId` on `overId` (a card or a column) makes; null when nothing changes. */
export function planMove(columns: Columns, activeId: string, overId: string): PlannedMove | null {
  const from = BOARD_STATUSES.find((s) => columns[s].some((t) => t.id === activeId));
  if (!from) return null;
  const task = columns[from].find((t) => t.id === activeId) as Task;
  const overColumn = statusOfColumnId(overId);
  const to = overColumn ?? BOARD_STATUSES.find((s) => columns[s].some((t) => t.id === overId));
  if (!to) return null;

  let target: Task[];
  let index: number;
  if (overColumn) {
    target = columns[to].filter((t) => t.id !== activeId);
    index = target.length;
  } else if (to === from) {
    const oldIndex = columns[from].findIndex((t) => t.id === activeId);
    const overIndex = columns[from].findIndex((t) => t.id === overId);
    if (oldIndex === overIndex) return null;
    target = columns[from].filter((t) => t.id !== activeId);
    // Removing the card shifts the ones below it up by one: the over card's slot is then overIndex either way.
    index = overIndex;
  } else {
    target = [...columns[to]];
    index = target.findIndex((t) => t.id === overId);
  }
  if (to === from && overColumn && columns[from][columns[from].length - 1]?.id === activeId) return null;

  const moved: Task = { ...task, status: to };
  const result = [...target.slice(0, index), moved, ...target.slice(index)];
  const next: Columns = { ...columns, [from]: columns[from].filter((t) => t.id !== activeId), [to]: result };
  const after = result[index - 1]?.id;
  const before = result[index + 1]?.id;
  return {
    taskId: activeId,
    status: to,
    statusChanged: to !== from,
    ...(before ? { before } : {}),
    ...(after ? { after } : {}),
    columns: next,
  };
}

/** The PATCH body for a planned move. */
export function moveBody(move: PlannedMove): { status?: TaskStatus; before?: string; after?: string } {
  return {
    ...(move.statusChanged ? { status: move.status } : {}),
    ...(move.before ? { before: move.before } : {}),
    ...(move.after ? { after: move.after } : {}),
  };
}
