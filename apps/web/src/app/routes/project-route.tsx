import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { CommentsPanel } from '../../features/comments/components/comments-panel';
import { ProjectPage } from '../../features/projects/components/project-page';
import { TaskDetailPanel } from '../../features/projects/components/task-detail';
import { TaskFormDialog } from '../../features/tasks/components/task-form-dialog';
import { useMembers, useProjects } from '../../lib/projects';

const routeApi = getRouteApi('/app/projects/$projectId');

/**
 * A project's page. A task opens in the detail panel (`?task=<id>`, so it can be linked and reloaded); the task
 * form comes from the tasks feature (new tasks default to this project) and the comments from the comments feature.
 */
export function ProjectRoute() {
  const { projectId } = routeApi.useParams();
  const { view, task } = routeApi.useSearch();
  const navigate = useNavigate();
  const role = useProjects().data?.find((p) => p.id === projectId)?.role;
  const members = useMembers(projectId);
  const [dialog, setDialog] = useState<{ open: boolean; editId: string | null }>({ open: false, editId: null });
  const openTask = (id: string | undefined) =>
    void navigate({ to: '.', search: (s) => ({ ...s, task: id }), replace: id === undefined });
  return (
    <>
      <ProjectPage
        key={projectId}
        projectId={projectId}
        view={view ?? 'board'}
        onViewChange={(v) => void navigate({ to: '.', search: (s) => ({ ...s, view: v }), replace: true })}
        onNewTask={() => setDialog({ open: true, editId: null })}
        onOpenTask={(id) => openTask(id)}
        onLeft={() => void navigate({ to: '/tasks' })}
      />
      <TaskDetailPanel
        taskId={task ?? null}
        role={role}
        members={members.data ?? []}
        onClose={() => openTask(undefined)}
        onEdit={(id) => setDialog({ open: true, editId: id })}
        onOpenTask={(id) => openTask(id)}
        comments={(t, canWrite) => <CommentsPanel taskId={t.id} canWrite={canWrite} isOwner={role === 'owner'} />}
      />
      <TaskFormDialog
        open={dialog.open}
        editId={dialog.editId}
        onOpenChange={(open) => setDialog((d) => ({ ...d, open }))}
        defaultProjectId={projectId}
      />
    </>
  );
}
