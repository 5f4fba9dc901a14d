import type { Task, TaskStatus } from '@primetrade/shared';
import { useCallback, useMemo, useRef, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { FormError } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { errorMessage } from '../../../lib/api-error';
import { labelOf } from '../../../lib/format';
import { type Command, useCommands, useShortcuts } from '../../../lib/shortcuts';
import { useBulkTasks } from '../api/bulk-tasks';
import { useDeleteTask } from '../api/delete-task';
import { useExportTasks } from '../api/export-tasks';
import { useTasks } from '../api/list-tasks';
import { useSetTaskStatus } from '../api/update-task';
import { isFiltered, STATUSES, type TaskSearch, toApiFilters } from '../search';
import { ConfirmDeleteDialog } from './confirm-delete-dialog';
import { ImportDialog } from './import-dialog';
import { TaskFilters } from './task-filters';
import { TaskFormDialog } from './task-form-dialog';
import { TaskHistoryDialog } from './task-history-dialog';
import { TaskList } from './task-list';
import type { TaskRowActions } from './task-row';

/** Every filter unset, the sort kept. */
function clearedFilters(search: TaskSearch): Partial<TaskSearch> {
  const patch: Partial<TaskSearch> = {};
  for (const key of Object.keys(search) as Array<keyof TaskSearch>) if (key !== 'sort') patch[key] = undefined;
  return patch;
}

export function TasksPage({
  search,
  onSearchChange,
}: {
  search: TaskSearch;
  onSearchChange: (patch: Partial<TaskSearch>) => void;
}) {
  const toast = useToast();
  const filters = useMemo(() => toApiFilters(search), [search]);
  const query = useTasks(filters);
  const tasks = useMemo(() => query.data?.pages.flatMap((p) => p.data) ?? [], [query.data]);

  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [form, setForm] = useState<{ open: boolean; editId: string | null }>({ open: false, editId: null });
  const [historyId, setHistoryId] = useState<string | null>(null);
  const [importOpen, setImportOpen] = useState(false);
  const [confirmBulkDelete, setConfirmBulkDelete] = useState(false);
  // Keyboard: the current row (roving tabindex in TaskList) and the task whose deletion `#` asks to confirm.
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const [focusRequest, setFocusRequest] = useState(0);
  const [confirmDelete, setConfirmDelete] = useState<Task | null>(null);
  const focusAfterDelete = useRef<string | null>(null);

  const onError = useCallback((e: unknown) => toast(`Not saved: ${errorMessage(e)}`, 'error'), [toast]);
  const setStatus = useSetTaskStatus(onError);
  const remove = useDeleteTask(onError);
  const bulk = useBulkTasks(onError);
  const exporter = useExportTasks();

  const actions = useMemo<TaskRowActions>(
    () => ({
      onToggleSelect: (id) =>
        setSelected((s) => {
          const next = new Set(s);
          if (next.has(id)) next.delete(id);
          else next.add(id);
          return next;
        }),
      onToggleDone: (task: Task) =>
        setStatus.mutate({ id: task.id, status: task.status === 'completed' ? 'pending' : 'completed' }),
      onEdit: (id) => setForm({ open: true, editId: id }),
      onHistory: setHistoryId,
      onDelete: (task: Task) =>
        remove.mutate(task.id, { onSuccess: () => toast(`Deleted “${task.title}”`, 'success') }),
    }),
    [setStatus.mutate, remove.mutate, toast],
  );

  const focusRow = (id: string | undefined) => {
    if (!id) return;
    setFocusedId(id);
    setFocusRequest((n) => n + 1);
  };
  /**
   * Radix modals give focus back to their trigger, and these dialogs have none (a row, a shortcut or the palette
   * opens them), so focus would fall to <body>: it goes back to the current row instead.
   */
  const refocusRow = () => {
    if (focusedId && tasks.some((t) => t.id === focusedId)) focusRow(focusedId);
  };
  const focusedIndex = focusedId ? tasks.findIndex((t) => t.id === focusedId) : -1;
  const focusedTask = focusedIndex >= 0 ? tasks[focusedIndex] : undefined;
  const onFocused = (fn: (t: Task) => void) => () => {
    if (focusedTask) fn(focusedTask);
  };
  useShortcuts({
    next: () => focusRow(tasks[focusedIndex < 0 ? 0 : Math.min(focusedIndex + 1, tasks.length - 1)]?.id),
    previous: () => focusRow(tasks[focusedIndex < 0 ? 0 : Math.max(focusedIndex - 1, 0)]?.id),
    select: onFocused((t) => actions.onToggleSelect(t.id)),
    edit: onFocused((t) => actions.onEdit(t.id)),
    complete: onFocused((t) => actions.onToggleDone(t)),
    remove: onFocused(setConfirmDelete),
  });
  useCommands((c: Command) => {
    if (c.type === 'new-task') setForm({ open: true, editId: null });
    else if (c.type === 'open-task') setForm({ open: true, editId: c.id });
    else if (c.type === 'export')
      exporter.mutate({ format: c.format, filters }, { onError: (e) => toast(errorMessage(e), 'error') });
    else if (c.type === 'focus-search') {
      const box = document.querySelector<HTMLInputElement>('main input[type="search"]');
      box?.focus();
      box?.select();
    }
  });
  const deleteConfirmed = (task: Task) => {
    // Focus moves on to the next row (or the previous one at the end), as a list does after a removal.
    const i = tasks.findIndex((t) => t.id === task.id);
    focusAfterDelete.current = (tasks[i + 1] ?? tasks[i - 1])?.id ?? null;
    setConfirmDelete(null);
    actions.onDelete(task);
  };

  const selectedIds = [...selected];
  const allSelected = tasks.length > 0 && tasks.every((t) => selected.has(t.id));
  const bulkStatus = (status: TaskStatus) =>
    bulk.mutate(
      { action: 'update', ids: selectedIds.slice(0, 500), patch: { status } },
      { onSuccess: (r) => toast(`${r.affected} task(s) updated`, 'success') },
    );
  const bulkDelete = () =>
    bulk.mutate(
      { action: 'delete', ids: selectedIds.slice(0, 500) },
      {
        onSuccess: (r) => {
          setSelected(new Set());
          toast(`${r.affected} task(s) deleted`, 'success');
        },
      },
    );

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Tasks</h1>
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" onClick={() => setImportOpen(true)}>
            Import
          </Button>
          <Button
            variant="secondary"
            busy={exporter.isPending && exporter.variables?.format === 'csv'}
            onClick={() =>
              exporter.mutate({ format: 'csv', filters }, { onError: (e) => toast(errorMessage(e), 'error') })
            }
          >
            Export CSV
          </Button>
          <Button
            variant="secondary"
            busy={exporter.isPending && exporter.variables?.format === 'json'}
            onClick={() =>
              exporter.mutate({ format: 'json', filters }, { onError: (e) => toast(errorMessage(e), 'error') })
            }
          >
            Export JSON
          </Button>
          <Button onClick={() => setForm({ open: true, editId: null })}>New task</Button>
        </div>
      </div>

      <TaskFilters search={search} onChange={onSearchChange} />

      <div className="flex min-h-9 flex-wrap items-center gap-3 text-sm" aria-live="polite">
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={allSelected}
            disabled={tasks.length === 0}
            onChange={() => setSelected(allSelected ? new Set() : new Set(tasks.map((t) => t.id)))}
          />
          Select all loaded
        </label>
        {selected.size > 0 ? (
          <fieldset className="flex flex-wrap items-center gap-2">
            <legend className="sr-only">Bulk actions</legend>
            <span className="font-medium">{selected.size} selected</span>
            <label className="sr-only" htmlFor="bulk-status">
              Set status of the selected tasks
            </label>
            <select
              id="bulk-status"
              className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-900"
              value=""
              onChange={(e) => e.target.value && bulkStatus(e.target.value as TaskStatus)}
            >
              <option value="">Set status…</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {labelOf(s)}
                </option>
              ))}
            </select>
            <Button size="sm" variant="danger" onClick={() => setConfirmBulkDelete(true)}>
              Delete selected
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setSelected(new Set())}>
              Clear selection
            </Button>
          </fieldset>
        ) : null}
      </div>

      {query.isPending ? (
        <Spinner label="Loading tasks" />
      ) : query.isError ? (
        <FormError message={errorMessage(query.error)} />
      ) : tasks.length === 0 ? (
        isFiltered(search) ? (
          <div className="rounded-lg bg-white p-10 text-center ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">
            <p className="text-slate-600 dark:text-slate-300">No tasks match these filters.</p>
            <Button className="mt-4" variant="secondary" onClick={() => onSearchChange(clearedFilters(search))}>
              Show all tasks
            </Button>
          </div>
        ) : (
          <div className="rounded-lg bg-white p-10 text-center ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">
            <p className="text-slate-600 dark:text-slate-300">No tasks yet. Everything you plan starts with one.</p>
            <Button className="mt-4" onClick={() => setForm({ open: true, editId: null })}>
              Create a task
            </Button>
          </div>
        )
      ) : (
        <TaskList
          tasks={tasks}
          selected={selected}
          actions={actions}
          hasNextPage={query.hasNextPage}
          isFetchingNextPage={query.isFetchingNextPage}
          fetchNextPage={query.fetchNextPage}
          focusedId={focusedId}
          focusRequest={focusRequest}
          onRowFocus={setFocusedId}
        />
      )}

      <TaskFormDialog
        open={form.open}
        editId={form.editId}
        onOpenChange={(open) => {
          setForm((f) => ({ ...f, open }));
          if (!open) refocusRow();
        }}
      />
      <TaskHistoryDialog
        taskId={historyId}
        onClose={() => {
          setHistoryId(null);
          refocusRow();
        }}
      />
      <ImportDialog open={importOpen} onOpenChange={setImportOpen} />
      <ConfirmDeleteDialog
        task={confirmDelete}
        onCancel={() => setConfirmDelete(null)}
        onConfirm={deleteConfirmed}
        onClosed={() => {
          const next = focusAfterDelete.current;
          focusAfterDelete.current = null;
          if (next) focusRow(next);
          else refocusRow();
        }}
      />
      <Dialog
        open={confirmBulkDelete}
        onOpenChange={setConfirmBulkDelete}
        title={`Delete ${selected.size} task(s)?`}
        description="This cannot be undone."
      >
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setConfirmBulkDelete(false)}>
            Cancel
          </Button>
          <Button
            variant="danger"
            onClick={() => {
              setConfirmBulkDelete(false);
              bulkDelete();
            }}
          >
            Delete
          </Button>
        </div>
      </Dialog>
    </div>
  );
}
