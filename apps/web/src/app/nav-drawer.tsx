import * as RadixDialog from '@radix-ui/react-dialog';
import { Link } from '@tanstack/react-router';
import { type ReactNode, useState } from 'react';
import { ProjectsNav } from '../features/projects/components/projects-nav';
import { type ViewLink, ViewsNav } from '../features/views/components/views-nav';
import { fromApiQuery } from '../features/tasks/search';
import { useT } from '../lib/i18n';

/** A link to the task list showing an API query string (a saved view's, or a built-in list's); active when it is the current list. */
export const TaskListLink: ViewLink = ({ query, className, children, onClick }) => (
  <Link
    to="/tasks"
    search={fromApiQuery(query)}
    className={className}
    onClick={onClick}
    activeOptions={{ exact: true, includeSearch: true }}
  >
    {children}
  </Link>
);

/** The lists beside the page from `md` up: All tasks, Today, Upcoming, saved views. */
export function ListsSidebar() {
  return (
    <aside className="hidden w-52 shrink-0 md:block">
      <div className="sticky top-4">
        <ViewsNav Link={TaskListLink} />
        <div className="mt-4">
          <ProjectsNav />
        </div>
      </div>
    </aside>
  );
}

/**
 * On a phone the header is one line: a menu button opens this drawer with the pages (`pages`, the header's own
 * links), the lists and the saved views, and whatever else the header hides (`footer`: log out).
 */
export function NavDrawer({
  pages,
  footer,
}: {
  pages: (close: () => void) => ReactNode;
  footer: (close: () => void) => ReactNode;
}) {
  const t = useT('shell');
  const [open, setOpen] = useState(false);
  const close = () => setOpen(false);
  return (
    <RadixDialog.Root open={open} onOpenChange={setOpen}>
      <RadixDialog.Trigger
        aria-label={t('drawer.menu')}
        className="inline-flex size-9 items-center justify-center rounded-md text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600 md:hidden dark:text-slate-200 dark:hover:bg-slate-800 dark:focus-visible:outline-indigo-400"
      >
        <svg viewBox="0 0 20 20" aria-hidden="true" className="size-5">
          <path d="M3 5h14M3 10h14M3 15h14" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
        </svg>
      </RadixDialog.Trigger>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40 dark:bg-black/60" />
        <RadixDialog.Content
          className="fixed inset-y-0 left-0 z-50 flex w-72 max-w-[85vw] flex-col gap-4 overflow-y-auto bg-white p-4 shadow-xl dark:bg-slate-900 dark:ring-1 dark:ring-slate-700"
          data-testid="nav-drawer"
        >
          <div className="flex items-center justify-between">
            <RadixDialog.Title className="text-lg font-semibold">{t('drawer.menu')}</RadixDialog.Title>
            <RadixDialog.Close
              aria-label={t('drawer.close')}
              className="inline-flex size-9 items-center justify-center rounded-md text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800"
            >
              <svg viewBox="0 0 20 20" aria-hidden="true" className="size-5">
                <path d="M5 5l10 10M15 5L5 15" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
              </svg>
            </RadixDialog.Close>
          </div>
          <RadixDialog.Description className="sr-only">{t('drawer.description')}</RadixDialog.Description>
          {pages(close)}
          <ViewsNav Link={TaskListLink} onNavigate={close} />
          <ProjectsNav onNavigate={close} />
          <div className="mt-auto border-t border-slate-200 pt-4 dark:border-slate-700">{footer(close)}</div>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
