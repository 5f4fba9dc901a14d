/**
 * The Projects section of the sidebar and the phone drawer: "Assigned to me", then the projects, the inbox first,
 * each with its colour and count.
 */
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { errorMessage } from '../../../lib/api-error';
import { useT } from '../../../lib/i18n';
import { projectColor, useProjects } from '../../../lib/projects';
import { CreateProjectDialog } from './create-project-dialog';

const item =
  'flex min-w-0 flex-1 items-center gap-2 rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 data-[status=active]:bg-indigo-50 data-[status=active]:text-indigo-700 dark:text-slate-200 dark:hover:bg-slate-800 dark:data-[status=active]:bg-indigo-950 dark:data-[status=active]:text-indigo-300';

export function ProjectsNav({ onNavigate }: { onNavigate?: () => void }) {
  const projects = useProjects();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const t = useT('projects');
  const list = (projects.data ?? []).filter((p) => !p.archived);
  return (
    <section aria-labelledby="projects-heading" data-testid="projects-nav">
      <div className="flex items-center justify-between px-3 pb-1">
        <h2
          id="projects-heading"
          className="text-xs font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-300"
        >
          {t('nav.heading')}
        </h2>
        <button
          type="button"
          className="rounded px-1.5 text-sm font-medium text-indigo-700 hover:bg-indigo-50 dark:text-indigo-300 dark:hover:bg-indigo-950"
          onClick={() => setCreating(true)}
          aria-label={t('nav.newProject')}
        >
          {t('nav.new')}
        </button>
      </div>
      <Link to="/assigned" className={`${item} mb-1 flex`} onClick={onNavigate} data-testid="assigned-link">
        <span className="size-2.5 shrink-0 rounded-full ring-2 ring-indigo-500" aria-hidden="true" />
        <span className="min-w-0 flex-1 truncate">{t('nav.assignedToMe')}</span>
      </Link>
      {projects.isError ? (
        <p className="px-3 text-sm text-red-700 dark:text-red-300">{errorMessage(projects.error)}</p>
      ) : (
        <ul className="space-y-0.5" aria-label={t('nav.list')}>
          {list.map((p) => (
            <li key={p.id} className="flex">
              <Link
                to="/projects/$projectId"
                params={{ projectId: p.id }}
                className={item}
                onClick={onNavigate}
                data-testid="project-link"
              >
                <span
                  className="size-2.5 shrink-0 rounded-full"
                  style={{ backgroundColor: projectColor(p) }}
                  aria-hidden="true"
                />
                <span className="min-w-0 flex-1 truncate">{p.inbox ? t('nav.inbox') : p.name}</span>
                <span className="text-xs font-normal text-slate-600 dark:text-slate-300">
                  <span className="sr-only">{t('nav.taskCount')}</span>
                  {p.taskCount}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <CreateProjectDialog
        open={creating}
        onOpenChange={setCreating}
        onCreated={(p) => {
          onNavigate?.();
          void navigate({ to: '/projects/$projectId', params: { projectId: p.id } });
        }}
      />
    </section>
  );
}
