import { createProjectBody, type Project } from '@primetrade/shared';
import { type FormEvent, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { FormError } from '../../../components/ui/field';
import { useToast } from '../../../components/ui/toast';
import { errorMessage } from '../../../lib/api-error';
import { validate } from '../../../lib/form';
import { useT } from '../../../lib/i18n';
import { useCreateProject } from '../api/projects';
import { PROJECT_COLORS, ProjectFields } from './project-form';

export function CreateProjectDialog({
  open,
  onOpenChange,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: (project: Project) => void;
}) {
  const toast = useToast();
  const t = useT('projects');
  const create = useCreateProject();
  const [name, setName] = useState('');
  const [color, setColor] = useState<string>(PROJECT_COLORS[0].value);
  const [error, setError] = useState<string | undefined>();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const r = validate(createProjectBody, { name, color });
    if (r.errors) return setError(r.errors.name ?? Object.values(r.errors)[0]);
    setError(undefined);
    create.mutate(r.data, {
      onSuccess: (project) => {
        toast(t('create.created', { name: project.name }), 'success');
        setName('');
        onOpenChange(false);
        onCreated(project);
      },
    });
  };

  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={t('create.title')}>
      <form onSubmit={onSubmit} noValidate className="space-y-4">
        <FormError message={create.error ? errorMessage(create.error) : null} />
        <ProjectFields name={name} color={color} onName={setName} onColor={setColor} error={error} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => onOpenChange(false)}>
            {t('create.cancel')}
          </Button>
          <Button type="submit" busy={create.isPending}>
            {t('create.submit')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
