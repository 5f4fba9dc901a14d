import type { Task } from '@primetrade/shared';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { Spinner } from '../../../components/ui/spinner';
import { TaskRow, type TaskRowActions } from './task-row';

/** Virtualised rows; reaching the end loads the next cursor page. */
export function TaskList({
  tasks,
  selected,
  actions,
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
}: {
  tasks: Task[];
  selected: ReadonlySet<string>;
  actions: TaskRowActions;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}) {
  const parentRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: tasks.length + (hasNextPage ? 1 : 0),
    getScrollElement: () => parentRef.current,
    estimateSize: () => 76,
    overscan: 8,
    getItemKey: (index) => tasks[index]?.id ?? `loader-${index}`,
  });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];

  useEffect(() => {
    if (!last) return;
    if (last.index >= tasks.length - 5 && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [last, tasks.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  return (
    <div
      ref={parentRef}
      className="h-[calc(100vh-19rem)] min-h-80 overflow-auto rounded-lg bg-white ring-1 ring-slate-200"
      data-testid="task-list"
    >
      <ul aria-label="Tasks" className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const task = tasks[item.index];
          return (
            <li
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              className="absolute top-0 left-0 w-full"
              style={{ transform: `translateY(${item.start}px)` }}
            >
              {task ? (
                <TaskRow task={task} selected={selected.has(task.id)} selecting={selected.size > 0} actions={actions} />
              ) : (
                <Spinner label="Loading more" />
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
