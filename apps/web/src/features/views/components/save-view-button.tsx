import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { useToast } from '../../../components/ui/toast';
import { errorMessage } from '../../../lib/api-error';
import { useT } from '../../../lib/i18n';
import { useCreateView } from '../api/views';
import { ViewNameDialog } from './views-nav';

/** "Save view": keeps the list's current filters and sort (an API query string) under a name, in the sidebar. */
export function SaveViewButton({ query, suggestedName = '' }: { query: string; suggestedName?: string }) {
  const t = useT('views');
  const toast = useToast();
  const create = useCreateView();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        variant="secondary"
        disabled={!query}
        title={query ? undefined : t('save.needQuery')}
        onClick={() => setOpen(true)}
      >
        {t('save.button')}
      </Button>
      <ViewNameDialog
        open={open}
        title={t('save.title')}
        initial={suggestedName}
        submitLabel={t('save.button')}
        busy={create.isPending}
        onClose={() => setOpen(false)}
        onSubmit={(name) =>
          create.mutate(
            { name, query },
            {
              onSuccess: (view) => {
                setOpen(false);
                toast(t('toast.saved', { name: view.name }), 'success');
              },
              onError: (e) => toast(t('toast.notSaved', { message: errorMessage(e) }), 'error'),
            },
          )
        }
      />
    </>
  );
}
