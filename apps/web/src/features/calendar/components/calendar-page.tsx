/**
 * The calendar: a month or a week of days in the user's time zone, day and month names from Intl in the UI
 * language, the week starting where the locale starts it. Tasks sit on their due dates; a recurring task's later
 * occurrences show as dashed ghosts (not draggable; they open the real task). Dragging a task to another day sends
 * PATCH { dueDate } (same wall-clock time) with If-Match; a 412 refetches and says why.
 *
 * Keyboard: the grid is one tab stop (role=grid); arrows move between days, Home/End to the week's ends, Page Up /
 * Page Down a month back or on, Enter or Space on a day opens the new-task dialog for it, Tab from a day reaches
 * its tasks (Enter opens one). The page follows the focused day: moving past the visible days turns the page.
 */
import type { Task } from '@primetrade/shared';
import {
  type Announcements,
  DndContext,
  type DragEndEvent,
  DragOverlay,
  type DragStartEvent,
  PointerSensor,
  pointerWithin,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { useQueryClient } from '@tanstack/react-query';
import { type KeyboardEvent, type MouseEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { useToast } from '../../../components/ui/toast';
import { errorMessage, isApiError } from '../../../lib/api-error';
import { cn } from '../../../lib/cn';
import { currentLocale, useT } from '../../../lib/i18n';
import { queryKeys } from '../../../lib/query-keys';
import { type CalendarData, calendarKey, rescheduleTask, useCalendarTasks } from '../api/calendar-tasks';
import {
  addDays,
  addMonths,
  firstDayOfWeek,
  monthWeeks,
  moveToDay,
  parseYmd,
  rangeOf,
  weekDays,
  weekLocale,
  type Ymd,
  ymdOf,
  zonedToUtc,
} from '../date-math';
import { type Occurrence, projectOccurrences } from '../recurrence';

export type CalendarView = 'month' | 'week';

export interface CalendarPageProps {
  /** The user's IANA time zone (their profile's). */
  timeZone: string;
  onOpenTask: (id: string) => void;
  /** The new-task dialog for a day: the due date offered is 09:00 that day in the user's zone (ISO). */
  onNewTask: (dueDate: string) => void;
  initialView?: CalendarView | undefined;
  /** The day shown and focused first (default today). */
  initialDay?: Ymd | undefined;
}

/** The day a key moves the focus to from `day` (arrows, Home/End, Page Up/Down), or null. */
export function keyTarget(key: string, day: Ymd, firstDay: number): Ymd | null {
  switch (key) {
    case 'ArrowLeft':
      return addDays(day, -1);
    case 'ArrowRight':
      return addDays(day, 1);
    case 'ArrowUp':
      return addDays(day, -7);
    case 'ArrowDown':
      return addDays(day, 7);
    case 'Home':
      return weekDays(day, firstDay)[0] ?? day;
    case 'End':
      return weekDays(day, firstDay)[6] ?? day;
    case 'PageUp':
      return addMonths(day, -1);
    case 'PageDown':
      return addMonths(day, 1);
    default:
      return null;
  }
}

/** The hour a task added on a day is due at, in the user's zone. */
export const NEW_TASK_HOUR = 9;

const utcDate = (ymd: Ymd) => {
  const { year, month, day } = parseYmd(ymd);
  return new Date(Date.UTC(year, month - 1, day, 12));
};

function useFormats(timeZone: string) {
  const locale = currentLocale();
  return useMemo(
    () => ({
      locale,
      weekdayShort: new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' }),
      weekdayLong: new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }),
      dayFull: new Intl.DateTimeFormat(locale, {
        weekday: 'long',
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      }),
      dayNumber: new Intl.DateTimeFormat(locale, { day: 'numeric', timeZone: 'UTC' }),
      monthYear: new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }),
      range: new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }),
      time: new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone }),
    }),
    [locale, timeZone],
  );
}

type Item = { kind: 'task'; task: Task; due: string } | { kind: 'ghost'; occ: Occurrence; task: Task };

export function CalendarPage({ timeZone, onOpenTask, onNewTask, initialView, initialDay }: CalendarPageProps) {
  const t = useT('calendar');
  const toast = useToast();
  const qc = useQueryClient();
  const f = useFormats(timeZone);
  const today = ymdOf(new Date(), timeZone);
  const [view, setView] = useState<CalendarView>(initialView ?? 'month');
  const [active, setActive] = useState<Ymd>(initialDay ?? today);
  /** Due dates shown while a move is on its way (task id → ISO). */
  const [moved, setMoved] = useState<Record<string, string>>({});
  const [dragging, setDragging] = useState<Task | null>(null);
  const gridRef = useRef<HTMLTableElement>(null);
  const focusAfterRender = useRef(false);
  const titleId = useId();
  const helpId = useId();

  const firstDay = firstDayOfWeek(
    weekLocale(f.locale, typeof navigator === 'undefined' ? [] : (navigator.languages ?? [])),
  );
  const weeks = useMemo(
    () => (view === 'month' ? monthWeeks(active, firstDay) : [weekDays(active, firstDay)]),
    [view, active, firstDay],
  );
  const first = weeks[0]?.[0] ?? active;
  const last = weeks[weeks.length - 1]?.[6] ?? active;
  const activeMonth = active.slice(0, 7);
  const range = useMemo(() => rangeOf(first, last, timeZone), [first, last, timeZone]);
  const query = useCalendarTasks(range.start, range.end);

  const byDay = useMemo(() => {
    const map = new Map<Ymd, Item[]>();
    const push = (day: Ymd, item: Item) => {
      const list = map.get(day);
      if (list) list.push(item);
      else map.set(day, [item]);
    };
    for (const task of query.data ?? []) {
      const due = moved[task.id] ?? task.dueDate;
      if (!due) continue;
      const day = ymdOf(new Date(due), timeZone);
      if (day >= first && day <= last) push(day, { kind: 'task', task, due });
      if (task.status === 'completed' || task.status === 'cancelled') continue;
      for (const occ of projectOccurrences({ ...task, dueDate: due }, first, last, timeZone)) {
        push(occ.day, { kind: 'ghost', occ, task });
      }
    }
    const time = (i: Item) => (i.kind === 'task' ? i.due : i.occ.dueDate);
    for (const list of map.values()) list.sort((a, b) => time(a).localeCompare(time(b)));
    return map;
  }, [query.data, moved, timeZone, first, last]);

  useEffect(() => {
    if (!focusAfterRender.current) return;
    focusAfterRender.current = false;
    gridRef.current?.querySelector<HTMLElement>(`[data-date="${active}"]`)?.focus();
  });

  const go = (day: Ymd, focus: boolean) => {
    focusAfterRender.current = focus;
    setActive(day);
  };
  const newTaskOn = (day: Ymd) => onNewTask(zonedToUtc(day, NEW_TASK_HOUR, 0, 0, timeZone).toISOString());

  const onCellKeyDown = (e: KeyboardEvent<HTMLElement>, day: Ymd) => {
    const onCell = e.target === e.currentTarget;
    const target = keyTarget(e.key, day, firstDay);
    if (target && (onCell || e.key.startsWith('Page'))) {
      e.preventDefault();
      go(target, true);
    } else if (onCell && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      newTaskOn(day);
    }
  };

  const step = (dir: 1 | -1) => go(view === 'month' ? addMonths(active, dir) : addDays(active, 7 * dir), false);

  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }));
  const titleOf = (id: string | number) => (query.data ?? []).find((x) => x.id === id)?.title ?? '';
  const dayName = (overId: string | number | undefined) =>
    typeof overId === 'string' && overId.startsWith('day:') ? f.dayFull.format(utcDate(overId.slice(4))) : '';
  const announcements: Announcements = {
    onDragStart: ({ active: a }) => t('dnd.start', { title: titleOf(a.id) }),
    onDragOver: ({ active: a, over }) => (over ? t('dnd.over', { title: titleOf(a.id), date: dayName(over.id) }) : ''),
    onDragEnd: ({ active: a, over }) =>
      over ? t('dnd.end', { title: titleOf(a.id), date: dayName(over.id) }) : t('dnd.nowhere'),
    onDragCancel: ({ active: a }) => t('dnd.cancel', { title: titleOf(a.id) }),
  };

  const onDragStart = ({ active: a }: DragStartEvent) => {
    setDragging((query.data ?? []).find((x) => x.id === a.id) ?? null);
  };
  const onDragEnd = ({ active: a, over }: DragEndEvent) => {
    setDragging(null);
    const task = (query.data ?? []).find((x) => x.id === a.id);
    if (!task || !over || typeof over.id !== 'string' || !over.id.startsWith('day:')) return;
    const current = moved[task.id] ?? task.dueDate;
    const target = over.id.slice(4);
    if (!current || ymdOf(new Date(current), timeZone) === target) return;
    const dueDate = moveToDay(current, target, timeZone);
    setMoved((m) => ({ ...m, [task.id]: dueDate }));
    const done = () =>
      setMoved((m) => {
        const { [task.id]: _, ...rest } = m;
        return rest;
      });
    rescheduleTask(task, dueDate)
      .then((saved) => {
        qc.setQueriesData<CalendarData>({ queryKey: queryKeys.tasks.lists() }, (old) =>
          old
            ? {
                ...old,
                pages: old.pages.map((p) => ({
                  ...p,
                  data: p.data.map((x) => (x.id === saved.id && x.version <= saved.version ? saved : x)),
                })),
              }
            : old,
        );
        done();
        void qc.invalidateQueries({ queryKey: queryKeys.tasks.stats() });
        void qc.invalidateQueries({ queryKey: queryKeys.tasks.detail(saved.id) });
      })
      .catch((e: unknown) => {
        done();
        toast(
          isApiError(e) && e.status === 412 ? t('conflict') : t('moveFailed', { message: errorMessage(e) }),
          'error',
        );
        void qc.invalidateQueries({ queryKey: calendarKey(range.start, range.end) });
      });
  };

  const title =
    view === 'month' ? f.monthYear.format(utcDate(active)) : f.range.formatRange(utcDate(first), utcDate(last));
  const header = weeks[0] ?? [];

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        <div className="flex items-center gap-1">
          <Button
            variant="secondary"
            size="sm"
            onClick={() => step(-1)}
            aria-label={view === 'month' ? t('prev.month') : t('prev.week')}
            data-testid="calendar-prev"
          >
            ‹
          </Button>
          <Button variant="secondary" size="sm" onClick={() => go(today, false)}>
            {t('today')}
          </Button>
          <Button
            variant="secondary"
            size="sm"
            onClick={() => step(1)}
            aria-label={view === 'month' ? t('next.month') : t('next.week')}
            data-testid="calendar-next"
          >
            ›
          </Button>
        </div>
        <h2 id={titleId} className="text-lg font-medium" aria-live="polite" data-testid="calendar-title">
          {title}
        </h2>
        {query.isFetching ? (
          <span role="status" className="inline-flex items-center gap-2 text-sm text-slate-600 dark:text-slate-300">
            <span className="size-4 animate-spin rounded-full border-2 border-indigo-600 border-t-transparent" />
            {t('loading')}
          </span>
        ) : null}
        <fieldset className="ml-auto flex gap-1 rounded-md p-0.5 ring-1 ring-slate-300 dark:ring-slate-600">
          <legend className="sr-only">{t('view.label')}</legend>
          {(['month', 'week'] as const).map((v) => (
            <button
              key={v}
              type="button"
              aria-pressed={view === v}
              onClick={() => setView(v)}
              className={cn(
                'rounded px-3 py-1 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-600',
                view === v
                  ? 'bg-indigo-600 text-white'
                  : 'text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800',
              )}
            >
              {t(`view.${v}`)}
            </button>
          ))}
        </fieldset>
      </div>
      <p id={helpId} className="text-sm text-slate-600 dark:text-slate-300">
        {t('help')}
      </p>
      {query.isError ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {t('loadFailed', { message: errorMessage(query.error) })}
        </p>
      ) : null}
      <DndContext
        sensors={sensors}
        collisionDetection={pointerWithin}
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
        onDragCancel={() => setDragging(null)}
        accessibility={{ announcements, screenReaderInstructions: { draggable: t('dnd.instructions') } }}
      >
        <table
          ref={gridRef}
          // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the ARIA grid pattern (APG) on a table
          role="grid"
          aria-labelledby={titleId}
          aria-describedby={helpId}
          className="w-full table-fixed border-collapse overflow-hidden rounded-lg ring-1 ring-slate-200 dark:ring-slate-700"
          data-testid="calendar-grid"
          data-view={view}
        >
          <thead className="bg-slate-50 dark:bg-slate-800/60">
            <tr>
              {header.map((d) => (
                <th
                  key={d}
                  scope="col"
                  abbr={f.weekdayLong.format(utcDate(d))}
                  className="px-2 py-1.5 text-left text-xs font-semibold text-slate-600 uppercase dark:text-slate-300"
                >
                  {f.weekdayShort.format(utcDate(d))}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {weeks.map((week) => (
              <tr key={week[0]}>
                {week.map((day) => (
                  <DayCell
                    key={day}
                    day={day}
                    label={`${f.dayFull.format(utcDate(day))}${day === today ? `, ${t('todayMark')}` : ''}, ${t('dayTasks', { count: (byDay.get(day) ?? []).filter((i) => i.kind === 'task').length })}`}
                    number={f.dayNumber.format(utcDate(day))}
                    isActive={day === active}
                    isToday={day === today}
                    outside={view === 'month' && day.slice(0, 7) !== activeMonth}
                    tall={view === 'week'}
                    items={byDay.get(day) ?? []}
                    timeOf={(iso) => f.time.format(new Date(iso))}
                    onFocus={() => setActive(day)}
                    onKeyDown={(e) => onCellKeyDown(e, day)}
                    onNew={() => newTaskOn(day)}
                    onOpenTask={onOpenTask}
                  />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <DragOverlay dropAnimation={null}>
          {dragging ? (
            <div className="rounded bg-indigo-600 px-2 py-1 text-xs font-medium text-white shadow-lg">
              {dragging.title}
            </div>
          ) : null}
        </DragOverlay>
      </DndContext>
    </div>
  );
}

function DayCell({
  day,
  label,
  number,
  isActive,
  isToday,
  outside,
  tall,
  items,
  timeOf,
  onFocus,
  onKeyDown,
  onNew,
  onOpenTask,
}: {
  day: Ymd;
  label: string;
  number: string;
  isActive: boolean;
  isToday: boolean;
  outside: boolean;
  tall: boolean;
  items: Item[];
  timeOf: (iso: string) => string;
  onFocus: () => void;
  onKeyDown: (e: KeyboardEvent<HTMLElement>) => void;
  onNew: () => void;
  onOpenTask: (id: string) => void;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: `day:${day}` });
  // A click on the day itself (not on one of its tasks) adds a task on it.
  const onClick = (e: MouseEvent<HTMLElement>) => {
    if (!(e.target as HTMLElement).closest('button')) onNew();
  };
  return (
    <td
      ref={setNodeRef}
      // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: a cell of the ARIA grid (focusable, keyboard-operable)
      role="gridcell"
      tabIndex={isActive ? 0 : -1}
      aria-selected={isActive}
      aria-current={isToday ? 'date' : undefined}
      data-date={day}
      data-testid="calendar-day"
      onFocus={(e) => {
        if (e.target === e.currentTarget) onFocus();
      }}
      onClick={onClick}
      onKeyDown={onKeyDown}
      className={cn(
        'cursor-pointer border-t border-l border-slate-200 p-1 align-top outline-none first:border-l-0 dark:border-slate-700',
        tall ? 'h-[60vh]' : 'h-28',
        outside
          ? 'bg-slate-50/80 text-slate-500 dark:bg-slate-900/60 dark:text-slate-400'
          : 'bg-white dark:bg-slate-900',
        isOver && 'bg-indigo-50 dark:bg-indigo-950',
        'focus-visible:outline-3 focus-visible:-outline-offset-3 focus-visible:outline-indigo-600 dark:focus-visible:outline-indigo-400',
      )}
    >
      <span
        aria-hidden="true"
        className={cn(
          'mb-1 inline-flex size-6 items-center justify-center rounded-full text-xs font-semibold',
          isToday && 'bg-indigo-600 text-white',
        )}
      >
        {number}
      </span>
      {/* The cell's name comes from its content (axe: the visible text is part of the name): the full date and
          count for a screen reader, then its tasks. */}
      <span className="sr-only" data-testid="calendar-day-label">
        {label}
      </span>
      <ul className="flex min-w-0 flex-col gap-1">
        {items.map((item) =>
          item.kind === 'task' ? (
            <li key={item.task.id} className="min-w-0">
              <TaskChip task={item.task} time={timeOf(item.due)} tabbable={isActive} wrap={tall} onOpen={onOpenTask} />
            </li>
          ) : (
            <li key={`${item.task.id}:${item.occ.dueDate}`} className="min-w-0">
              <GhostChip
                task={item.task}
                time={timeOf(item.occ.dueDate)}
                tabbable={isActive}
                wrap={tall}
                onOpen={onOpenTask}
              />
            </li>
          ),
        )}
      </ul>
    </td>
  );
}

const chip =
  'flex w-full min-w-0 items-baseline gap-x-1 rounded px-1.5 py-0.5 text-left text-xs focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-600 dark:focus-visible:outline-indigo-400';

function TaskChip({
  task,
  time,
  tabbable,
  wrap,
  onOpen,
}: {
  task: Task;
  time: string;
  tabbable: boolean;
  /** The week view's tall days show whole titles; the month's truncate them (the full title on hover). */
  wrap: boolean;
  onOpen: (id: string) => void;
}) {
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: task.id });
  const done = task.status === 'completed' || task.status === 'cancelled';
  return (
    <button
      type="button"
      ref={setNodeRef}
      {...attributes}
      {...listeners}
      tabIndex={tabbable ? 0 : -1}
      onClick={() => onOpen(task.id)}
      className={cn(
        chip,
        wrap && 'flex-wrap',
        'cursor-grab touch-none font-medium',
        done
          ? 'bg-slate-100 text-slate-700 line-through hover:bg-slate-200 dark:bg-slate-800 dark:text-slate-300 dark:hover:bg-slate-700'
          : 'bg-indigo-100 text-indigo-900 hover:bg-indigo-200 dark:bg-indigo-900/70 dark:text-indigo-100 dark:hover:bg-indigo-800',
        isDragging && 'opacity-40',
      )}
      title={wrap ? undefined : task.title}
      data-testid="calendar-task"
      data-task-id={task.id}
    >
      <span className="shrink-0 tabular-nums opacity-80">{time}</span>
      <span className={wrap ? 'break-words' : 'truncate'}>{task.title}</span>
    </button>
  );
}

function GhostChip({
  task,
  time,
  tabbable,
  wrap,
  onOpen,
}: {
  task: Task;
  time: string;
  tabbable: boolean;
  /** The week view's tall days show whole titles; the month's truncate them (the full title on hover). */
  wrap: boolean;
  onOpen: (id: string) => void;
}) {
  const t = useT('calendar');
  return (
    <button
      type="button"
      tabIndex={tabbable ? 0 : -1}
      onClick={() => onOpen(task.id)}
      title={t('ghostHint')}
      className={cn(
        chip,
        wrap && 'flex-wrap',
        'border border-dashed border-indigo-400 text-indigo-800 italic hover:bg-indigo-50 dark:border-indigo-500 dark:text-indigo-200 dark:hover:bg-indigo-950',
      )}
      data-testid="calendar-occurrence"
      data-task-id={task.id}
    >
      {/* Named by its content (axe: the visible text is part of the name), "Repeats:" first for a screen reader. */}
      <span className="sr-only">{t('ghost')}</span>
      <span className="shrink-0 tabular-nums">{time}</span>
      <span className={wrap ? 'break-words' : 'truncate'}>{task.title}</span>
    </button>
  );
}
