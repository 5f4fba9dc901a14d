/**
 * The app-wide keyboard layer, mounted by the signed-in shell: `?` help overlay, `n` new task, `/` search,
 * `g t` / `g d`, and Cmd/Ctrl-K for the command palette. The palette (cmdk) is a lazy chunk loaded on its first
 * opening, so it costs the initial bundle nothing; so is the help overlay (app/shortcut-help.tsx, with the Radix
 * dialog it renders). The task-list keys (j/k/x/e/c/#) are bound by the tasks page, from the same catalogue
 * (lib/shortcuts.ts), which is what the help overlay lists.
 */
import { useNavigate, useRouterState } from '@tanstack/react-router';
import { lazy, Suspense, useCallback, useState } from 'react';
import { type Command, dispatchCommand, useShortcuts } from '../lib/shortcuts';

const CommandPalette = lazy(() => import('./command-palette'));
const ShortcutHelp = lazy(() => import('./shortcut-help'));

export function KeyboardLayer() {
  const navigate = useNavigate();
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const [helpOpen, setHelpOpen] = useState(false);
  const [helpLoaded, setHelpLoaded] = useState(false);
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

  const showHelp = () => {
    setHelpLoaded(true);
    setHelpOpen(true);
  };

  useShortcuts({
    help: () => showHelp(),
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
      {helpLoaded ? (
        <Suspense fallback={null}>
          <ShortcutHelp open={helpOpen} onOpenChange={setHelpOpen} />
        </Suspense>
      ) : null}
      {paletteLoaded ? (
        <Suspense fallback={null}>
          <CommandPalette
            open={paletteOpen}
            onOpenChange={setPaletteOpen}
            onTasksCommand={onTasks}
            onShowHelp={showHelp}
          />
        </Suspense>
      ) : null}
    </>
  );
}
