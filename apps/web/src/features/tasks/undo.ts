/**
 * Undo for the task list (issue 16 defect 2): every delete, completion and bulk change offers "Undo" in a toast
 * for UNDO_MS; the toast's button or `z` / Ctrl-Z / Cmd-Z (the newest action still on offer) runs it once. What
 * running it sends is the action's own business (api/undo-task.ts); this only keeps the offers.
 */
import { useCallback, useMemo, useRef } from 'react';
import { useDismissToast, useToast } from '../../components/ui/toast';
import { useT } from '../../lib/i18n';

/** How long an action can be undone from its toast or the keyboard. */
export const UNDO_MS = 8000;

export interface UndoOffer {
  /** What was done ("Deleted “Pay rent”"): the toast's text. */
  message: string;
  /** Puts things back; a rejection goes to `onError`. */
  undo: () => Promise<void>;
}

interface Offered extends UndoOffer {
  token: number;
  toastId: number;
  until: number;
}

export interface Undo {
  /** Show the toast with Undo; the action stays undoable for UNDO_MS. */
  offer(offer: UndoOffer): void;
  /** Undo the newest action still on offer (the `z` shortcut); false when there is none. */
  undoLast(): boolean;
}

export function useUndo(opts: { onError: (error: unknown) => void; onUndone?: (message: string) => void }): Undo {
  const toast = useToast();
  const t = useT('tasks');
  const dismiss = useDismissToast();
  const offers = useRef<Offered[]>([]);
  const next = useRef(1);
  const optsRef = useRef(opts);
  optsRef.current = opts;

  /** Each offer runs at most once: the button and the shortcut cannot both undo it. */
  const run = useCallback(
    (token: number) => {
      const o = offers.current.find((x) => x.token === token);
      if (!o) return false;
      offers.current = offers.current.filter((x) => x.token !== token);
      dismiss(o.toastId);
      o.undo().then(
        () => optsRef.current.onUndone?.(o.message),
        (err: unknown) => optsRef.current.onError(err),
      );
      return true;
    },
    [dismiss],
  );

  const offer = useCallback(
    (o: UndoOffer) => {
      const token = next.current++;
      const toastId = toast(o.message, 'success', {
        action: { label: t('undo.action'), onAction: () => run(token) },
        durationMs: UNDO_MS,
      });
      const now = Date.now();
      offers.current = [...offers.current.filter((x) => x.until > now), { ...o, token, toastId, until: now + UNDO_MS }];
    },
    [toast, run, t],
  );

  const undoLast = useCallback(() => {
    const now = Date.now();
    offers.current = offers.current.filter((x) => x.until > now);
    const last = offers.current[offers.current.length - 1];
    return last ? run(last.token) : false;
  }, [run]);

  return useMemo(() => ({ offer, undoLast }), [offer, undoLast]);
}
