/**
 * The board (lazy chunk with @dnd-kit): four status columns, cards dragged by their handle with the mouse, touch
 * or the keyboard (Tab to a card's handle, Space to pick it up, arrows to move, Space to drop, Escape to cancel).
 * A drop shows at once, is sent with the neighbours and If-Match, and is rolled back if the server refuses it
 * (412: the board is refetched and a toast says why). A viewer's board has no handles.
 */
import type { ProjectMember, Task, TaskStatus } from '@primetrade/shared';
import {
  type Announcements,
  closestCorners,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  useDroppable,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import {
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useToast } from '../../../components/ui/toast';
import { errorMessage, isApiError } from '../../../lib/api-error';
import { cn } from '../../../lib/cn';
import { formatDue } from '../../../lib/format';
import { translate, useT } from '../../../lib/i18n';
import { initials } from '../../../lib/projects';
import { queryKeys } from '../../../lib/query-keys';
import { boardKey, moveTask, useStoreTask } from '../api/board';
import { BOARD_STATUSES, type Columns, columnId, moveBody, planMove, toColumns } from '../board-move';

export interface BoardProps {
  projectId: string;
  tasks: Task[];
  members: ProjectMember[];
  readOnly: boolean;
  onOpenTask?: ((id: string) => void) | undefined;
}

const titleOf = (columns: Columns, id: string | number) =>
  BOARD_STATUSES.flatMap((s) => columns[s]).find((t) => t.id === id)?.title ?? translate('projects', 'board.theTask');
const statusLabel = (status: string) => translate('tasks', `status.${status}`);

export function Board({ projectId, tasks, members, readOnly, onOpenTask }: BoardProps) {
  const toast = useToast();
  const t = useT('projects');
  const qc = useQueryClient();
  const store = useStoreTask(projectId);
  /** The columns as the user left them while a move is on its way (null: the server's order). */
  const [override, setOverride] = useState<Columns | null>(null);
  const serverColumns = useMemo(() => toColumns(tasks), [tasks]);
  const columns = override ?? serverColumns;
  const names = useMemo(() => new Map(members.map((m) => [m.userId, m.name])), [members]);

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  const where = (id: string | number | undefined) => {
    if (id === undefined) return t('board.nowhere');
    const s = String(id);
    if (s.startsWith('column:')) return t('board.endOf', { column: statusLabel(s.slice(7)) });
    const status = BOARD_STATUSES.find((st) => columns[st].some((task) => task.id === s));
    return status ? t('board.at', { column: statusLabel(status), title: titleOf(columns, s) }) : t('board.nowhere');
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) => t('board.pickedUp', { title: titleOf(columns, active.id) }),
    onDragOver: ({ active, over }) => t('board.over', { title: titleOf(columns, active.id), where: where(over?.id) }),
    onDragEnd: ({ active, over }) =>
      over
        ? t('board.dropped', { title: titleOf(columns, active.id), where: where(over.id) })
        : t('board.droppedInPlace'),
    onDragCancel: ({ active }) => t('board.cancelled', { title: titleOf(columns, active.id) }),
  };

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || readOnly) return;
    const plan = planMove(columns, String(active.id), String(over.id));
    if (!plan) return;
    const task = BOARD_STATUSES.flatMap((s) => columns[s]).find((x) => x.id === plan.taskId);
    if (!task) return;
    setOverride(plan.columns);
    moveTask(task, moveBody(plan))
      .then((saved) => {
        store(saved);
        setOverride(null);
        void qc.invalidateQueries({ queryKey: queryKeys.tasks.stats() });
      })
      .catch((e: unknown) => {
        setOverride(null);
        if (isApiError(e) && e.status === 412) {
          toast(t('board.conflict'), 'error');
        } else {
          toast(t('board.notMoved', { reason: errorMessage(e) }), 'error');
        }
        void qc.invalidateQueries({ queryKey: boardKey(projectId) });
      });
  };

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCorners}
      onDragEnd={onDragEnd}
      accessibility={{
        announcements,
        screenReaderInstructions: {
          draggable: t('board.instructions'),
        },
      }}
    >
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-4" data-testid="board">
        {BOARD_STATUSES.map((status) => (
          <Column
            key={status}
            status={status}
            tasks={columns[status]}
            names={names}
            readOnly={readOnly}
            onOpenTask={onOpenTask}
          />
        ))}
      </div>
    </DndContext>
  );
}

function Column({
  status,
  tasks,
  names,
  readOnly,
  onOpenTask,
}: {
  status: TaskStatus;
  tasks: Task[];
  names: Map<string, string>;
  readOnly: boolean;
  onOpenTask?: ((id: string) => void) | undefined;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: columnId(status), disabled: readOnly });
  const t = useT('projects');
  const headingId = `board-col-${status}`;
  return (
    <section
      aria-labelledby={headingId}
      className={cn(
        'flex min-h-40 flex-col rounded-lg bg-slate-100 p-2 dark:bg-slate-800/60',
        isOver && 'ring-2 ring-indigo-400',
      )}
      data-testid={`column-${status}`}
    >
      <h3 id={headingId} className="flex items-center justify-between px-1 pb-2 text-sm font-semibold">
        {statusLabel(status)}
        <span className="text-xs font-normal text-slate-600 dark:text-slate-300">{tasks.length}</span>
      </h3>
      <SortableContext items={tasks.map((x) => x.id)} strategy={verticalListSortingStrategy}>
        <ul
          ref={setNodeRef}
          className="flex flex-1 flex-col gap-2"
          aria-label={t('board.columnTasks', { column: statusLabel(status) })}
        >
          {tasks.map((x) => (
            <Card
              key={x.id}
              task={x}
              assignee={x.assigneeId ? names.get(x.assigneeId) : undefined}
              readOnly={readOnly}
              onOpenTask={onOpenTask}
            />
          ))}
        </ul>
      </SortableContext>
    </section>
  );
}

function Card({
  task,
  assignee,
  readOnly,
  onOpenTask,
}: {
  task: Task;
  assignee: string | undefined;
  readOnly: boolean;
  onOpenTask?: ((id: string) => void) | undefined;
}) {
  const t = useT('projects');
  const tt = useT('tasks');
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: task.id,
    disabled: readOnly,
  });
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      className={cn(
        'flex items-start gap-2 rounded-md bg-white p-2 text-sm shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700',
        isDragging && 'relative z-10 opacity-80 shadow-lg ring-indigo-400',
      )}
      data-testid="board-card"
      data-task-id={task.id}
    >
      {readOnly ? null : (
        <button
          type="button"
          ref={setActivatorNodeRef}
          {...attributes}
          {...listeners}
          aria-label={t('board.move', { title: task.title })}
          className="mt-0.5 cursor-grab touch-none rounded p-1 text-slate-500 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-slate-400 dark:hover:bg-slate-800"
          data-testid="drag-handle"
        >
          <svg viewBox="0 0 12 16" aria-hidden="true" className="h-4 w-3 fill-current">
            <circle cx="3" cy="3" r="1.3" />
            <circle cx="9" cy="3" r="1.3" />
            <circle cx="3" cy="8" r="1.3" />
            <circle cx="9" cy="8" r="1.3" />
            <circle cx="3" cy="13" r="1.3" />
            <circle cx="9" cy="13" r="1.3" />
          </svg>
        </button>
      )}
      <div className="min-w-0 flex-1">
        {onOpenTask ? (
          <button
            type="button"
            className="text-left font-medium break-words hover:underline"
            onClick={() => onOpenTask(task.id)}
            data-testid="card-title"
          >
            {task.title}
          </button>
        ) : (
          <p className="font-medium break-words" data-testid="card-title">
            {task.title}
          </p>
        )}
        <p className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-600 dark:text-slate-300">
          <span>{tt(`priority.${task.priority}`)}</span>
          {task.dueDate ? <span>{t('page.due', { date: formatDue(task.dueDate) })}</span> : null}
          {task.subtaskCount > 0 ? (
            <span>{t('board.subtasks', { done: task.subtaskDoneCount, total: task.subtaskCount })}</span>
          ) : null}
          {assignee ? (
            <span
              className="ml-auto inline-flex size-6 items-center justify-center rounded-full bg-indigo-100 text-[11px] font-semibold text-indigo-800 dark:bg-indigo-900 dark:text-indigo-100"
              title={t('page.assignedTo', { name: assignee })}
              role="img"
              aria-label={t('page.assignedTo', { name: assignee })}
            >
              {initials(assignee)}
            </span>
          ) : null}
        </p>
      </div>
    </li>
  );
}

export default Board;
