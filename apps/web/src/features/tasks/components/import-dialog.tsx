import { type FormEvent, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { FormError } from '../../../components/ui/field';
import { errorMessage } from '../../../lib/api-error';
import { useImportTasks } from '../api/import-tasks';

export function ImportDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const mutation = useImportTasks();
  const [file, setFile] = useState<File | null>(null);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (file) mutation.mutate(file);
  };
  const result = mutation.data;

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        if (!o) mutation.reset();
        onOpenChange(o);
      }}
      title="Import tasks"
      description="A CSV file with a header row (title, description, status, priority, dueDate, tags separated by ;) or a JSON array of tasks, up to 10,000 rows."
    >
      <form onSubmit={onSubmit} className="space-y-4">
        <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
        <label className="block text-sm font-medium text-slate-700">
          File
          <input
            type="file"
            accept=".csv,.json,text/csv,application/json"
            className="mt-1 block w-full text-sm"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </label>
        {result ? (
          <div role="status" className="rounded-md bg-slate-50 p-3 text-sm ring-1 ring-slate-200">
            <p>
              Imported {result.imported} task{result.imported === 1 ? '' : 's'}
              {result.failed.length ? `; ${result.failed.length} row(s) refused:` : '.'}
            </p>
            {result.failed.length ? (
              <ul className="mt-2 max-h-40 list-disc overflow-auto pl-5 text-xs text-red-700">
                {result.failed.slice(0, 100).map((f) => (
                  <li key={f.row}>
                    Row {f.row}: {f.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => onOpenChange(false)}>
            Close
          </Button>
          <Button type="submit" disabled={!file} busy={mutation.isPending}>
            Import
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
