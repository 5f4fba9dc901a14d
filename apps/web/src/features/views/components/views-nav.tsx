import type { SavedView, VIEW_NAME_MAX } from '@primetrade/shared';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { TextField } from '../../../components/ui/field';
import { Menu } from '../../../components/ui/menu';
import { useToast } from '../../../components/ui/toast';
import { errorMessage } from '../../../lib/api-error';
import { translate, useT } from '../../../lib/i18n';
import { useDeleteView, useUpdateView, useViews } from '../api/views';

/** The longest view name (the contract's VIEW_NAME_MAX, without importing the schemas into this chunk). */
export const NAME_MAX: typeof VIEW_NAME_MAX = 60;

/**
 * A link to the task list showing an API query string; the app supplies it (it knows the list's route and URL
 * state). It marks itself `data-status="active"` when it is the current list.
 */
export type ViewLink = (props: {
  query: string;
  className: string;
  children: ReactNode;
  onClick?: (() => void) | undefined;
}) => ReactNode;

/** The built-in lists: every task, and the two the server computes in the user's time zone (names: `views:builtIn.<id>`). */
export const BUILT_IN = [
  { id: 'all', query: '' },
  { id: 'today', query: 'view=today' },
  { id: 'upcoming', query: 'view=upcoming' },
] as const;

const item =
  'block min-w-0 flex-1 truncate rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 data-[status=active]:bg-indigo-50 data-[status=active]:text-indigo-700 dark:text-slate-200 dark:hover:bg-slate-800 dark:data-[status=active]:bg-indigo-950 dark:data-[status=active]:text-indigo-300';

/** The task lists: All tasks, Today, Upcoming, then the user's saved views (rename, move, delete from a menu). */
export function ViewsNav({ Link, onNavigate }: { Link: ViewLink; onNavigate?: () => void }) {
  const t = useT('views');
  const toast = useToast();
  const views = useViews();
  const update = useUpdateView();
  const remove = useDeleteView();
  const [renaming, setRenaming] = useState<SavedView | null>(null);
  const [deleting, setDeleting] = useState<SavedView | null>(null);
  const list = views.data ?? [];
  const onError = (e: unknown) => toast(t('toast.notSaved', { message: errorMessage(e) }), 'error');
  const move = (view: SavedView, to: number) =>
    update.mutate(
      { id: view.id, patch: { position: to } },
      { onError, onSuccess: () => toast(t('toast.moved', { name: view.name }), 'success') },
    );

  return (
    <nav aria-label={t('nav.label')} className="space-y-4" data-testid="views-nav">
      <ul className="space-y-0.5">
        {BUILT_IN.map((b) => (
          <li key={b.id} className="flex">
            <Link query={b.query} className={item} onClick={onNavigate}>
              {t(`builtIn.${b.id}`)}
            </Link>
          </li>
        ))}
      </ul>
      <section aria-labelledby="saved-views-heading">
        <h2
          id="saved-views-heading"
          className="px-3 pb-1 text-xs font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-300"
        >
          {t('nav.saved')}
        </h2>
        {views.isError ? (
          <p className="px-3 text-sm text-red-700 dark:text-red-300">{errorMessage(views.error)}</p>
        ) : list.length === 0 && !views.isPending ? (
          <p className="px-3 text-sm text-slate-600 dark:text-slate-300">{t('nav.empty')}</p>
        ) : (
          <ul className="space-y-0.5" aria-label={t('nav.saved')}>
            {list.map((view, i) => (
              <li key={view.id} className="flex items-center gap-1" data-testid="saved-view">
                <Link query={view.query} className={item} onClick={onNavigate}>
                  {view.name}
                </Link>
                <Menu
                  label={t('nav.options', { name: view.name })}
                  items={[
                    { label: t('nav.rename'), onSelect: () => setRenaming(view) },
                    { label: t('nav.moveUp'), disabled: i === 0, onSelect: () => move(view, i - 1) },
                    { label: t('nav.moveDown'), disabled: i === list.length - 1, onSelect: () => move(view, i + 1) },
                    { label: t('nav.delete'), danger: true, onSelect: () => setDeleting(view) },
                  ]}
                />
              </li>
            ))}
          </ul>
        )}
      </section>
      <RenameDialog
        view={renaming}
        onClose={() => setRenaming(null)}
        onRename={(view, name) =>
          update.mutate(
            { id: view.id, patch: { name } },
            { onError, onSuccess: () => toast(t('toast.renamed', { name }), 'success') },
          )
        }
      />
      <Dialog
        open={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={t('delete.title', { name: deleting?.name ?? '' })}
        description={t('delete.description')}
      >
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setDeleting(null)}>
            {t('common:cancel')}
          </Button>
          <Button
            variant="danger"
            onClick={() => {
              const view = deleting;
              setDeleting(null);
              if (view)
                remove.mutate(view.id, {
                  onError,
                  onSuccess: () => toast(t('toast.deleted', { name: view.name }), 'success'),
                });
            }}
          >
            {t('delete.confirm')}
          </Button>
        </div>
      </Dialog>
    </nav>
  );
}

/** A view name as typed: trimmed; an error message when it cannot be saved. */
export function checkViewName(raw: string): { name: string; error?: string } {
  const name = raw.trim();
  if (!name) return { name, error: translate('views', 'name.required') };
  if (name.length > NAME_MAX) return { name, error: translate('views', 'name.tooLong', { count: NAME_MAX }) };
  return { name };
}

/** Name a view: used to save a new one and to rename one. */
export function ViewNameDialog({
  open,
  title,
  initial,
  submitLabel,
  busy,
  onClose,
  onSubmit,
}: {
  open: boolean;
  title: string;
  initial: string;
  submitLabel: string;
  busy?: boolean;
  onClose: () => void;
  onSubmit: (name: string) => void;
}) {
  const t = useT('views');
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string | undefined>();
  const [openedWith, setOpenedWith] = useState<string | null>(null);
  if (open && openedWith !== initial) {
    setOpenedWith(initial);
    setValue(initial);
    setError(undefined);
  } else if (!open && openedWith !== null) setOpenedWith(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = checkViewName(value);
    if (checked.error) return setError(checked.error);
    onSubmit(checked.name);
  };
  return (
    <Dialog open={open} onOpenChange={(o) => !o && onClose()} title={title}>
      <form onSubmit={submit} className="space-y-4" noValidate>
        <TextField
          label={t('name.label')}
          value={value}
          maxLength={NAME_MAX + 20}
          error={error}
          autoFocus
          onChange={(e) => {
            setValue(e.target.value);
            if (error && !checkViewName(e.target.value).error) setError(undefined);
          }}
        />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            {t('common:cancel')}
          </Button>
          <Button type="submit" busy={busy}>
            {submitLabel}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function RenameDialog({
  view,
  onClose,
  onRename,
}: {
  view: SavedView | null;
  onClose: () => void;
  onRename: (view: SavedView, name: string) => void;
}) {
  const t = useT('views');
  return (
    <ViewNameDialog
      open={view !== null}
      title={t('rename.title')}
      initial={view?.name ?? ''}
      submitLabel={t('rename.submit')}
      onClose={onClose}
      onSubmit={(name) => {
        if (view) onRename(view, name);
        onClose();
      }}
    />
  );
}
