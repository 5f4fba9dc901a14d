/**
 * The app-wide keyboard layer, mounted by the signed-in shell: `?` help overlay, `n` new task, `/` search,
 * `g t` / `g d`, and Cmd/Ctrl-K for the command palette. The palette (cmdk) is a lazy chunk loaded on its first
 * opening, so it costs the initial bundle nothing. The task-list keys (j/k/x/e/c/#) are bound by the tasks page,
 * from the same catalogue (lib/shortcuts.ts), which is what the help overlay lists.
 */
import { useNavigate, useRouterState } from '@tanstack/react-router';
import { Fragment, lazy, Suspense, useCallback, useState } from 'react';
import { Dialog } from '../components/ui/dialog';
import {
  type Command,
  dispatchCommand,
  SHORTCUTS,
  type Shortcut,
  type ShortcutGroup,
  useShortcuts,
} from '../lib/shortcuts';

const CommandPalette = lazy(() => import('./command-palette'));

const GROUPS: ShortcutGroup[] = ['Anywhere', 'Task list'];

export function ShortcutHelp({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const all = Object.values(SHORTCUTS) as Shortcut[];
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Keyboard shortcuts" wide>
      <div className="grid gap-6 sm:grid-cols-2" data-testid="shortcut-help">
        {GROUPS.map((group) => (
          <section key={group} aria-labelledby={`shortcuts-${group}`}>
            <h3 id={`shortcuts-${group}`} className="mb-2 text-sm font-semibold text-slate-700 dark:text-slate-200">
              {group}
            </h3>
            <dl className="space-y-1.5 text-sm">
              {all
                .filter((s) => s.group === group)
                .map((s) => (
                  <div key={s.description} className="flex items-center justify-between gap-3">
                    <dt className="text-slate-700 dark:text-slate-200">{s.description}</dt>
                    <dd className="flex shrink-0 items-center gap-1">
                      {s.keys.map((k, i) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: a fixed, never reordered list of key caps
                        <Fragment key={i}>
                          {k === 'then' ? (
                            <span className="text-xs text-slate-500 dark:text-slate-400">then</span>
                          ) : (
                            <kbd className="min-w-6 rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 text-center font-mono text-xs text-slate-800 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100">
                              {k}
                            </kbd>
                          )}
                        </Fragment>
                      ))}
                    </dd>
                  </div>
                ))}
            </dl>
          </section>
        ))}
      </div>
      <p className="mt-4 text-xs text-slate-600 dark:text-slate-300">
        Shortcuts are off while you type in a field or a dialog is open; Escape closes a dialog.
      </p>
    </Dialog>
  );
}

export function KeyboardLayer() {
  const navigate = useNavigate();
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const [helpOpen, setHelpOpen] = useState(false);
  const [paletteOpen, setPaletteOpen] = useState(false);
  // The palette chunk is requested on the first Cmd-K only, then stays mounted (closed) for the next openings.
  const [paletteLoaded, setPaletteLoaded] = useState(false);

  /** Runs a tasks-page command, going to the task list first when elsewhere. */
  const onTasks = useCallback(
    (c: Command) => {
      dispatchCommand(c);
      if (pathname !== '/tasks') void navigate({ to: '/tasks' });
    },
    [navigate, pathname],
  );

  useShortcuts({
    help: () => setHelpOpen(true),
    palette: () => {
      setPaletteLoaded(true);
      setPaletteOpen((o) => !o);
    },
    newTask: () => onTasks({ type: 'new-task' }),
    search: () => onTasks({ type: 'focus-search' }),
    goTasks: () => void navigate({ to: '/tasks' }),
    goDashboard: () => void navigate({ to: '/dashboard' }),
  });

  return (
    <>
      <ShortcutHelp open={helpOpen} onOpenChange={setHelpOpen} />
      {paletteLoaded ? (
        <Suspense fallback={null}>
          <CommandPalette
            open={paletteOpen}
            onOpenChange={setPaletteOpen}
            onTasksCommand={onTasks}
            onShowHelp={() => setHelpOpen(true)}
          />
        </Suspense>
      ) : null}
    </>
  );
}
