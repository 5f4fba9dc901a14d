/**
 * "Assigned to me": the caller's tasks in every project they are a member of (GET /tasks?assigneeId=me), soonest
 * due first, each with its project and a link that opens it in the project's task panel.
 */
import { Link } from '@tanstack/react-router';
import { FormError } from '../../../components/ui/field';
import { Spinner } from '../../../components/ui/spinner';
import { errorMessage } from '../../../lib/api-error';
import { formatDue } from '../../../lib/format';
import { useT } from '../../../lib/i18n';
import { projectColor, useProjects } from '../../../lib/projects';
import { useAssignedToMe } from '../api/task-detail';

export function AssignedPage() {
  const t = useT('projects');
  const tt = useT('tasks');
  const tasks = useAssignedToMe();
  const projects = new Map((useProjects().data ?? []).map((p) => [p.id, p]));
  return (
    <div className="space-y-4" data-testid="assigned-page">
      <div>
        <h1 className="text-2xl font-semibold">{t('assigned.title')}</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{t('assigned.intro')}</p>
      </div>
      {tasks.isPending ? (
        <Spinner label={t('detail.loading')} />
      ) : tasks.isError ? (
        <FormError message={errorMessage(tasks.error)} />
      ) : tasks.data.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">{t('assigned.empty')}</p>
      ) : (
        <ul
          className="divide-y divide-slate-200 rounded-lg bg-white ring-1 ring-slate-200 dark:divide-slate-700 dark:bg-slate-900 dark:ring-slate-700"
          aria-label={t('assigned.list')}
        >
          {tasks.data.map((task) => {
            const project = projects.get(task.projectId);
            const projectName = project ? (project.inbox ? t('nav.inbox') : project.name) : '';
            return (
              <li
                key={task.id}
                className="flex flex-wrap items-center gap-3 px-3 py-2 text-sm"
                data-testid="assigned-task"
              >
                <span className="w-24 shrink-0 text-xs text-slate-600 dark:text-slate-300">
                  {tt(`status.${task.status}`)}
                </span>
                <Link
                  to="/projects/$projectId"
                  params={{ projectId: task.projectId }}
                  search={{ task: task.id }}
                  className="min-w-0 flex-1 font-medium break-words hover:underline"
                >
                  {task.title}
                </Link>
                {task.dueDate ? (
                  <span className="text-xs text-slate-600 dark:text-slate-300">
                    {t('page.due', { date: formatDue(task.dueDate) })}
                  </span>
                ) : null}
                {project ? (
                  <span className="inline-flex items-center gap-1.5 text-xs text-slate-700 dark:text-slate-200">
                    <span
                      className="size-2.5 rounded-full"
                      style={{ backgroundColor: projectColor(project) }}
                      aria-hidden="true"
                    />
                    <span className="sr-only">{t('assigned.project', { name: projectName })}</span>
                    <span aria-hidden="true">{projectName}</span>
                  </span>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
