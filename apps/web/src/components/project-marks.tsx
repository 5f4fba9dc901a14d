/**
 * Small marks a task shows about its project (issue 15 item 4): the project's colour dot and name (not for the
 * inbox, where every unshared task lives) and the assignee's initials (in a shared project only).
 */
import { initials, projectColor, useMembers, useProjects } from '../lib/projects';

export function ProjectMark({ projectId }: { projectId: string }) {
  const project = useProjects().data?.find((p) => p.id === projectId);
  if (!project || project.inbox) return null;
  return (
    <span className="inline-flex items-center gap-1" data-testid="task-project">
      <span className="size-2 rounded-full" style={{ backgroundColor: projectColor(project) }} aria-hidden="true" />
      {project.name}
    </span>
  );
}

export function AssigneeMark({ projectId, assigneeId }: { projectId: string; assigneeId: string | null }) {
  const project = useProjects().data?.find((p) => p.id === projectId);
  const shared = Boolean(project && !project.inbox && project.memberCount > 1);
  const member = useMembers(shared && assigneeId ? projectId : null).data?.find((m) => m.userId === assigneeId);
  if (!member) return null;
  return (
    <span
      className="inline-flex size-5 items-center justify-center rounded-full bg-indigo-100 text-[10px] font-semibold text-indigo-800 dark:bg-indigo-900 dark:text-indigo-100"
      title={`Assigned to ${member.name}`}
      role="img"
      aria-label={`Assigned to ${member.name}`}
      data-testid="task-assignee"
    >
      {initials(member.name)}
    </span>
  );
}
