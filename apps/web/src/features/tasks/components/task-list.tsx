import type { Task } from '@primetrade/shared';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { cn } from '../../../lib/cn';
import { useT } from '../../../lib/i18n';
import { Spinner } from '../../../components/ui/spinner';
import { TaskRow, type TaskRowActions } from './task-row';

/** Where the list starts in the document: rows are positioned relative to it (filters above may open or close). */
function useDocumentTop(ref: React.RefObject<HTMLElement | null>): number {
  const [top, setTop] = useState(0);
  useLayoutEffect(() => {
    const measure = () => {
      const el = ref.current;
      if (el) setTop(Math.round(el.getBoundingClientRect().top + window.scrollY));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    window.addEventListener('resize', measure);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', measure);
    };
  }, [ref]);
  return top;
}

/**
 * Virtualised rows; reaching the end loads the next cursor page. The list is the page: the document scrolls
 * (a window virtualiser), not a box of fixed height inside it — on a phone a nested scroll box showed two rows,
 * and on a desktop a list of one or two tasks kept an empty panel of a screen's height (issue 16 defect 3, 6).
 *
 * Keyboard focus is a roving tabindex over the rows (the `<li>`s): the current row (`focusedId`, else the first)
 * is the list's one Tab stop, j/k (tasks-page) move real DOM focus to the next row. Not aria-activedescendant:
 * each row holds its own checkboxes and buttons, which must stay reachable and announced as themselves, and an
 * active descendant must exist in the DOM while a virtualised row may not. A focus request first scrolls the
 * row into view (`scrollToIndex`, so a row that is not rendered gets rendered), then focuses it once it exists.
 */
export function TaskList({
  tasks,
  selected,
  actions,
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
  focusedId = null,
  focusRequest = 0,
  onRowFocus,
}: {
  tasks: Task[];
  selected: ReadonlySet<string>;
  actions: TaskRowActions;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
  /** The current row (keyboard). */
  focusedId?: string | null;
  /** Incremented to move DOM focus to `focusedId` (scrolling it into view). */
  focusRequest?: number;
  /** Focus entered a row (by keyboard or mouse): it becomes the current row. */
  onRowFocus?: (id: string) => void;
}) {
  const t = useT('tasks');
  const parentRef = useRef<HTMLDivElement>(null);
  const scrollMargin = useDocumentTop(parentRef);
  const virtualizer = useWindowVirtualizer({
    count: tasks.length + (hasNextPage ? 1 : 0),
    estimateSize: () => 76,
    overscan: 8,
    scrollMargin,
    getItemKey: (index) => tasks[index]?.id ?? `loader-${index}`,
  });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];

  useEffect(() => {
    if (!last) return;
    if (last.index >= tasks.length - 5 && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [last, tasks.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const pendingFocus = useRef<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each focus request only (focusedId is read then)
  useEffect(() => {
    if (!focusRequest || !focusedId) return;
    const index = tasks.findIndex((t) => t.id === focusedId);
    if (index < 0) return;
    pendingFocus.current = focusedId;
    virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [focusRequest]);
  // After every render: focus the requested row as soon as the virtualiser has rendered it.
  useEffect(() => {
    const id = pendingFocus.current;
    if (!id) return;
    const el = parentRef.current?.querySelector<HTMLElement>(`li[data-row-id="${CSS.escape(id)}"]`);
    if (!el) return;
    pendingFocus.current = null;
    el.focus();
  });
  const tabStop = focusedId && tasks.some((t) => t.id === focusedId) ? focusedId : tasks[0]?.id;

  return (
    <div
      ref={parentRef}
      className="overflow-clip rounded-lg bg-white ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700"
      data-testid="task-list"
    >
      <ul aria-label={t('list.label')} className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const task = tasks[item.index];
          return (
            <li
              key={item.key}
              data-index={item.index}
              data-row-id={task?.id}
              ref={virtualizer.measureElement}
              tabIndex={task ? (task.id === tabStop ? 0 : -1) : undefined}
              onFocus={task && onRowFocus ? () => onRowFocus(task.id) : undefined}
              aria-current={task && task.id === focusedId ? 'true' : undefined}
              className={cn(
                'absolute top-0 left-0 w-full',
                // The focus ring is an inset ring on a layer over the row (an outline of the <li> would be painted
                // under the row's own background, and the list clips what is outside it).
                'outline-none focus-visible:after:pointer-events-none focus-visible:after:absolute focus-visible:after:inset-0 focus-visible:after:ring-2 focus-visible:after:ring-indigo-600 focus-visible:after:ring-inset dark:focus-visible:after:ring-indigo-400',
              )}
              style={{ transform: `translateY(${item.start - scrollMargin}px)` }}
            >
              {task ? (
                <TaskRow task={task} selected={selected.has(task.id)} selecting={selected.size > 0} actions={actions} />
              ) : (
                <Spinner label={t('list.loadingMore')} />
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
