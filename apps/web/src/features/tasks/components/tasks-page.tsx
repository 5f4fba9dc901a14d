import type { Task, TaskStatus } from '@primetrade/shared';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useCallback, useMemo, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { Menu } from '../../../components/ui/menu';
import { FormError } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { useToast } from '../../../components/ui/toast';
import { errorMessage, isApiError } from '../../../lib/api-error';
import { useT } from '../../../lib/i18n';
import { type Command, useCommands, useShortcuts } from '../../../lib/shortcuts';
import { useBulkTasks } from '../api/bulk-tasks';
import { invalidateTaskData } from '../api/cache';
import { useDeleteTask } from '../api/delete-task';
import { useExportTasks } from '../api/export-tasks';
import { useTasks } from '../api/list-tasks';
import { eachLimited, restoreTask, revertChange, UndoConflict } from '../api/undo-task';
import { useSetTaskStatus } from '../api/update-task';
import { isFiltered, STATUSES, type TaskSearch, toApiFilters } from '../search';
import { ImportDialog } from './import-dialog';
import { OfflineConflicts } from './offline-conflicts';
import { TaskFilters } from './task-filters';
import { TaskFormDialog } from './task-form-dialog';
import { TaskHistoryDialog } from './task-history-dialog';
import { TaskList } from './task-list';
import type { TaskRowActions } from './task-row';
import { UNDO_MS, useUndo } from '../undo';

const ignoreNotFound = (e: unknown) => {
  if (!(isApiError(e) && e.status === 404)) throw e;
};

/** Every filter unset, the sort kept. */
function clearedFilters(search: TaskSearch): Partial<TaskSearch> {
  const patch: Partial<TaskSearch> = {};
  for (const key of Object.keys(search) as Array<keyof TaskSearch>) if (key !== 'sort') patch[key] = undefined;
  return patch;
}

export function TasksPage({
  search,
  onSearchChange,
  toolbar,
}: {
  search: TaskSearch;
  onSearchChange: (patch: Partial<TaskSearch>) => void;
  /** More buttons for the header (the app adds "Save view"). */
  toolbar?: ReactNode;
}) {
  const toast = useToast();
  const t = useT('tasks');
  const filters = useMemo(() => toApiFilters(search), [search]);
  const query = useTasks(filters);
  const tasks = useMemo(() => query.data?.pages.flatMap((p) => p.data) ?? [], [query.data]);

  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [form, setForm] = useState<{ open: boolean; editId: string | null }>({ open: false, editId: null });
  const [historyId, setHistoryId] = useState<string | null>(null);
  const [importOpen, setImportOpen] = useState(false);
  const [confirmBulkDelete, setConfirmBulkDelete] = useState(false);
  // Keyboard: the current row (roving tabindex in TaskList).
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const [focusRequest, setFocusRequest] = useState(0);
  // An Undo that met a newer version of its task (412): the edit dialog's conflict view.
  const [undoConflict, setUndoConflict] = useState<UndoConflict | null>(null);

  const onError = useCallback(
    (e: unknown) => toast(t('toast.notSaved', { message: errorMessage(e) }), 'error'),
    [toast, t],
  );
  const setStatus = useSetTaskStatus(onError);
  const remove = useDeleteTask(onError);
  const bulk = useBulkTasks(onError);
  const exporter = useExportTasks();
  const qc = useQueryClient();
  // Every delete, completion and bulk change offers Undo (toast button, `z`, Ctrl/Cmd-Z) for UNDO_MS.
  const undo = useUndo({
    onUndone: () => void invalidateTaskData(qc),
    onError: (e) => {
      void invalidateTaskData(qc);
      if (e instanceof UndoConflict) setUndoConflict(e);
      else toast(t('toast.notUndone', { message: errorMessage(e) }), 'error');
    },
  });

  const actions = useMemo<TaskRowActions>(
    () => ({
      onToggleSelect: (id) =>
        setSelected((s) => {
          const next = new Set(s);
          if (next.has(id)) next.delete(id);
          else next.add(id);
          return next;
        }),
      onToggleDone: (task: Task) => {
        const status = task.status === 'completed' ? 'pending' : 'completed';
        setStatus.mutate(
          { id: task.id, status },
          {
            onSuccess: ({ task: now, etag }) =>
              undo.offer({
                message: t(status === 'completed' ? 'toast.completed' : 'toast.reopened', { title: task.title }),
                // Back to the status it had (in progress stays in progress), if nobody changed it since.
                undo: async () => {
                  await revertChange({ id: task.id, patch: { status: task.status }, etag, version: now.version });
                },
              }),
          },
        );
      },
      onEdit: (id) => setForm({ open: true, editId: id }),
      onHistory: setHistoryId,
      onDelete: (task: Task) =>
        remove.mutate(task.id, {
          onSuccess: () =>
            undo.offer({
              message: t('toast.deleted', { title: task.title }),
              undo: async () => {
                await restoreTask(task.id);
              },
            }),
        }),
    }),
    [setStatus.mutate, remove.mutate, undo, t],
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
    remove: onFocused((t) => deleteNow(t)),
    undo: () => {
      undo.undoLast();
    },
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
  /** `#`: no confirmation (Undo brings the task back); focus moves on to the next row, or the previous at the end. */
  function deleteNow(task: Task) {
    const i = tasks.findIndex((t) => t.id === task.id);
    const next = (tasks[i + 1] ?? tasks[i - 1])?.id;
    actions.onDelete(task);
    focusRow(next);
  }

  const selectedIds = [...selected];
  const allSelected = tasks.length > 0 && tasks.every((t) => selected.has(t.id));
  const bulkStatus = (status: TaskStatus) => {
    const ids = selectedIds.slice(0, 500);
    // The tasks this changes, as they were: Undo puts each one's status back (each change left version + 1).
    const changed = tasks.filter((t) => ids.includes(t.id) && t.status !== status);
    bulk.mutate(
      { action: 'update', ids, patch: { status } },
      {
        onSuccess: (r) =>
          undo.offer({
            message: t('toast.bulkUpdated', { count: r.affected }),
            undo: () =>
              eachLimited(changed, (t) =>
                revertChange({ id: t.id, patch: { status: t.status }, version: t.version + 1 }),
              ),
          }),
      },
    );
  };
  const bulkDelete = () => {
    const ids = selectedIds.slice(0, 500);
    bulk.mutate(
      { action: 'delete', ids },
      {
        onSuccess: (r) => {
          setSelected(new Set());
          undo.offer({
            message: t('toast.bulkDeleted', { count: r.affected }),
            // Ids that were not deleted (gone meanwhile) answer 404: nothing to bring back.
            undo: () => eachLimited(ids, (id) => restoreTask(id).catch(ignoreNotFound)),
          });
        },
      },
    );
  };

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">{search.view ? t(`headings.${search.view}`) : t('title')}</h1>
        <div className="flex flex-wrap items-center gap-2">
          {toolbar}
          {/* On a phone, import and export wait in a menu so the header stays one line. */}
          <Menu
            className="sm:hidden"
            label={t('page.moreActions')}
            items={[
              { label: t('page.importMenu'), onSelect: () => setImportOpen(true) },
              {
                label: t('page.exportCsv'),
                onSelect: () =>
                  exporter.mutate({ format: 'csv', filters }, { onError: (e) => toast(errorMessage(e), 'error') }),
              },
              {
                label: t('page.exportJson'),
                onSelect: () =>
                  exporter.mutate({ format: 'json', filters }, { onError: (e) => toast(errorMessage(e), 'error') }),
              },
            ]}
          />
          <Button variant="secondary" className="max-sm:hidden" onClick={() => setImportOpen(true)}>
            {t('page.import')}
          </Button>
          <Button
            variant="secondary"
            className="max-sm:hidden"
            busy={exporter.isPending && exporter.variables?.format === 'csv'}
            onClick={() =>
              exporter.mutate({ format: 'csv', filters }, { onError: (e) => toast(errorMessage(e), 'error') })
            }
          >
            {t('page.exportCsv')}
          </Button>
          <Button
            variant="secondary"
            className="max-sm:hidden"
            busy={exporter.isPending && exporter.variables?.format === 'json'}
            onClick={() =>
              exporter.mutate({ format: 'json', filters }, { onError: (e) => toast(errorMessage(e), 'error') })
            }
          >
            {t('page.exportJson')}
          </Button>
          <Button onClick={() => setForm({ open: true, editId: null })}>{t('page.newTask')}</Button>
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
          {t('page.selectAll')}
        </label>
        {selected.size > 0 ? (
          <fieldset className="flex flex-wrap items-center gap-2">
            <legend className="sr-only">{t('page.bulkActions')}</legend>
            <span className="font-medium">{t('page.selected', { count: selected.size })}</span>
            <label className="sr-only" htmlFor="bulk-status">
              {t('page.bulkStatusLabel')}
            </label>
            <select
              id="bulk-status"
              className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-900"
              value=""
              onChange={(e) => e.target.value && bulkStatus(e.target.value as TaskStatus)}
            >
              <option value="">{t('page.bulkStatusPlaceholder')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
            <Button size="sm" variant="danger" onClick={() => setConfirmBulkDelete(true)}>
              {t('page.deleteSelected')}
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setSelected(new Set())}>
              {t('page.clearSelection')}
            </Button>
          </fieldset>
        ) : null}
      </div>

      {query.isPending ? (
        <Spinner label={t('page.loading')} />
      ) : query.isError ? (
        <FormError message={errorMessage(query.error)} />
      ) : tasks.length === 0 ? (
        isFiltered(search) ? (
          <div className="rounded-lg bg-white p-10 text-center ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">
            <p className="text-slate-600 dark:text-slate-300">
              {search.view && !isFiltered({ ...search, view: undefined })
                ? search.view === 'today'
                  ? t('page.nothingToday')
                  : t('page.nothingUpcoming')
                : t('page.noMatch')}
            </p>
            <Button className="mt-4" variant="secondary" onClick={() => onSearchChange(clearedFilters(search))}>
              {t('page.showAll')}
            </Button>
          </div>
        ) : (
          <div className="rounded-lg bg-white p-10 text-center ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">
            <p className="text-slate-600 dark:text-slate-300">{t('page.empty')}</p>
            <Button className="mt-4" onClick={() => setForm({ open: true, editId: null })}>
              {t('page.createFirst')}
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
      <OfflineConflicts />
      {undoConflict ? (
        <TaskFormDialog
          key={`undo-${undoConflict.latest.id}-${undoConflict.latest.version}`}
          open
          editId={undoConflict.latest.id}
          conflict={{ latest: undoConflict.latest, etag: undoConflict.etag, patch: undoConflict.patch }}
          onOpenChange={(open) => {
            if (open) return;
            setUndoConflict(null);
            refocusRow();
          }}
        />
      ) : null}
      <Dialog
        open={confirmBulkDelete}
        onOpenChange={setConfirmBulkDelete}
        title={t('page.confirmDeleteTitle', { count: selected.size })}
        description={t('page.confirmDeleteDescription', { seconds: UNDO_MS / 1000 })}
      >
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setConfirmBulkDelete(false)}>
            {t('page.cancel')}
          </Button>
          <Button
            variant="danger"
            onClick={() => {
              setConfirmBulkDelete(false);
              bulkDelete();
            }}
          >
            {t('page.delete')}
          </Button>
        </div>
      </Dialog>
    </div>
  );
}
