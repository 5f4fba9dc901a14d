/**
 * Cmd/Ctrl-K command palette (cmdk inside the app's Radix dialog): go to a screen, run an action, or find a task.
 * A lazy chunk (app/keyboard.tsx imports it on the first opening). Screens and actions are filtered by cmdk as
 * you type; tasks come from the server's search (`GET /tasks?q=`, debounced) and are always shown as returned.
 */
import * as RadixDialog from '@radix-ui/react-dialog';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { Command } from 'cmdk';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useLogout } from '../features/auth/api/logout';
import { listTasks } from '../features/tasks/api/list-tasks';
import { labelOf } from '../lib/format';
import { useT } from '../lib/i18n';
import type { Command as AppCommand } from '../lib/shortcuts';
import { resolveTheme, setPreference } from '../lib/theme';
import { useDebouncedValue } from '../lib/use-debounced-value';

const SEARCH_RESULTS = 8;
const item =
  'flex cursor-pointer items-center justify-between gap-3 rounded-md px-3 py-2 text-sm text-slate-800 data-[selected=true]:bg-indigo-50 data-[selected=true]:text-indigo-800 dark:text-slate-100 dark:data-[selected=true]:bg-indigo-950 dark:data-[selected=true]:text-indigo-200';
const heading =
  '[&_[cmdk-group-heading]]:px-3 [&_[cmdk-group-heading]]:pt-2 [&_[cmdk-group-heading]]:pb-1 [&_[cmdk-group-heading]]:text-xs [&_[cmdk-group-heading]]:font-semibold [&_[cmdk-group-heading]]:text-slate-600 dark:[&_[cmdk-group-heading]]:text-slate-300';

function Hint({ children }: { children: ReactNode }) {
  return <span className="text-xs text-slate-600 dark:text-slate-300">{children}</span>;
}

export default function CommandPalette({
  open,
  onOpenChange,
  onTasksCommand,
  onShowHelp,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Runs a command of the task list (going there first). */
  onTasksCommand: (c: AppCommand) => void;
  onShowHelp: () => void;
}) {
  const t = useT('shell');
  const navigate = useNavigate();
  const logout = useLogout();
  const [input, setInput] = useState('');
  const q = useDebouncedValue(input.trim(), 250);
  const search = useQuery({
    queryKey: ['tasks', 'palette', q],
    queryFn: ({ signal }) => listTasks({ q }, undefined, signal),
    enabled: open && q.length > 0,
    staleTime: 10_000,
  });
  const results = q.length > 0 ? (search.data?.data.slice(0, SEARCH_RESULTS) ?? []) : [];

  // cmdk highlights the first item its own filter kept; the server's results (forceMount) arrive later and are not
  // among them, so when nothing is highlighted the first result is, and Enter opens it.
  const [selected, setSelected] = useState('');
  const listRef = useRef<HTMLDivElement>(null);
  const firstResult = results[0]?.id;
  useEffect(() => {
    if (firstResult && !listRef.current?.querySelector('[cmdk-item][aria-selected="true"]'))
      setSelected(`task-${firstResult}`);
  }, [firstResult]);

  const setOpen = (next: boolean) => {
    if (!next) setInput('');
    onOpenChange(next);
  };
  /** Closes the palette, then runs the choice (focus returns to where it was before the palette opened). */
  const run = (fn: () => void) => () => {
    setOpen(false);
    fn();
  };

  return (
    <RadixDialog.Root open={open} onOpenChange={setOpen}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40 dark:bg-black/60" />
        <RadixDialog.Content
          className="fixed top-[12vh] left-1/2 z-50 w-[calc(100vw-2rem)] max-w-xl -translate-x-1/2 overflow-hidden rounded-lg bg-white shadow-xl ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700"
          data-testid="command-palette"
        >
          <RadixDialog.Title className="sr-only">{t('palette.title')}</RadixDialog.Title>
          <RadixDialog.Description className="sr-only">{t('palette.description')}</RadixDialog.Description>
          <Command label={t('palette.title')} loop value={selected} onValueChange={setSelected}>
            <Command.Input
              value={input}
              onValueChange={setInput}
              placeholder={t('palette.placeholder')}
              className="w-full border-b border-slate-200 bg-transparent px-4 py-3 text-base text-slate-900 outline-none placeholder:text-slate-500 dark:border-slate-700 dark:text-slate-100 dark:placeholder:text-slate-400"
            />
            <Command.List ref={listRef} className={`max-h-[60vh] overflow-y-auto p-2 ${heading}`}>
              {results.length === 0 ? (
                // cmdk counts only the items its filter kept: the server's task results are not among them.
                <Command.Empty className="px-3 py-6 text-center text-sm text-slate-600 dark:text-slate-300">
                  {search.isFetching ? t('palette.searching') : t('palette.nothing')}
                </Command.Empty>
              ) : null}
              <Command.Group heading={t('palette.goTo')}>
                <Command.Item className={item} onSelect={run(() => void navigate({ to: '/tasks' }))}>
                  {t('nav.tasks')} <Hint>g t</Hint>
                </Command.Item>
                <Command.Item className={item} onSelect={run(() => void navigate({ to: '/calendar' }))}>
                  {t('nav.calendar')}
                </Command.Item>
                <Command.Item className={item} onSelect={run(() => void navigate({ to: '/dashboard' }))}>
                  {t('nav.dashboard')} <Hint>g d</Hint>
                </Command.Item>
                <Command.Item className={item} onSelect={run(() => void navigate({ to: '/profile' }))}>
                  {t('nav.profile')}
                </Command.Item>
              </Command.Group>
              <Command.Group heading={t('palette.actions')}>
                <Command.Item className={item} onSelect={run(() => onTasksCommand({ type: 'new-task' }))}>
                  {t('palette.newTask')} <Hint>n</Hint>
                </Command.Item>
                <Command.Item
                  className={item}
                  keywords={['download']}
                  onSelect={run(() => onTasksCommand({ type: 'export', format: 'csv' }))}
                >
                  {t('palette.exportCsv')}
                </Command.Item>
                <Command.Item
                  className={item}
                  keywords={['download']}
                  onSelect={run(() => onTasksCommand({ type: 'export', format: 'json' }))}
                >
                  {t('palette.exportJson')}
                </Command.Item>
                <Command.Item
                  className={item}
                  keywords={['dark', 'light', 'colour', 'color']}
                  onSelect={run(() => setPreference(resolveTheme() === 'dark' ? 'light' : 'dark'))}
                >
                  {t('palette.toggleTheme')}
                </Command.Item>
                <Command.Item className={item} keywords={['help', 'keys']} onSelect={run(onShowHelp)}>
                  {t('shortcutHelp.title')} <Hint>?</Hint>
                </Command.Item>
                <Command.Item
                  className={item}
                  keywords={['log out', 'logout']}
                  onSelect={run(() => logout.mutate(undefined, { onSettled: () => void navigate({ to: '/login' }) }))}
                >
                  {t('palette.signOut')}
                </Command.Item>
              </Command.Group>
              {q.length > 0 ? (
                <Command.Group heading={t('nav.tasks')} forceMount>
                  {search.isFetching && results.length === 0 ? (
                    <Command.Loading>
                      <span className="block px-3 py-2 text-sm text-slate-600 dark:text-slate-300">
                        {t('palette.searching')}
                      </span>
                    </Command.Loading>
                  ) : null}
                  {results.map((task) => (
                    <Command.Item
                      key={task.id}
                      value={`task-${task.id}`}
                      forceMount
                      className={item}
                      onSelect={run(() => onTasksCommand({ type: 'open-task', id: task.id }))}
                    >
                      <span className="truncate">{task.title}</span>
                      <Hint>{labelOf(task.status)}</Hint>
                    </Command.Item>
                  ))}
                </Command.Group>
              ) : null}
            </Command.List>
          </Command>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
