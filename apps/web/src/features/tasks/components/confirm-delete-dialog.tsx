import * as RadixDialog from '@radix-ui/react-dialog';
import type { Task } from '@primetrade/shared';
import { Button } from '../../../components/ui/button';

/**
 * "Delete this task?" for the `#` shortcut (there is no undo yet). Radix directly rather than ui/dialog, for
 * `onCloseAutoFocus`: Radix would give focus to a trigger (there is none, so <body>); `onClosed` places it instead
 * (the next row after a deletion, the same row after a cancel). Cancel has the initial focus, so Enter alone never
 * deletes.
 */
export function ConfirmDeleteDialog({
  task,
  onCancel,
  onConfirm,
  onClosed,
}: {
  task: Task | null;
  onCancel: () => void;
  onConfirm: (task: Task) => void;
  /** Called where Radix would move focus back, once the dialog has closed. */
  onClosed: () => void;
}) {
  return (
    <RadixDialog.Root open={task !== null} onOpenChange={(open) => !open && onCancel()}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40 dark:bg-black/60" />
        <RadixDialog.Content
          className="fixed top-1/2 left-1/2 z-50 w-[calc(100vw-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white p-6 shadow-xl dark:bg-slate-900 dark:ring-1 dark:ring-slate-700"
          onCloseAutoFocus={(e) => {
            e.preventDefault();
            onClosed();
          }}
        >
          <RadixDialog.Title className="text-lg font-semibold">Delete “{task?.title}”?</RadixDialog.Title>
          <RadixDialog.Description className="mt-1 text-sm text-slate-600 dark:text-slate-300">
            This cannot be undone.
          </RadixDialog.Description>
          <div className="mt-4 flex justify-end gap-2">
            <Button variant="secondary" onClick={onCancel}>
              Cancel
            </Button>
            <Button variant="danger" onClick={() => task && onConfirm(task)}>
              Delete
            </Button>
          </div>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
