import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from 'react';
import { cn } from '../../lib/cn';
import { useT } from '../../lib/i18n';

type Tone = 'info' | 'success' | 'error';
/** A button in the toast (Undo): pressing it runs `onAction` and closes the toast. */
export interface ToastAction {
  label: string;
  onAction: () => void;
}
export interface ToastOptions {
  action?: ToastAction;
  /** How long it stays (default 4 s, errors 7 s). */
  durationMs?: number;
}
interface Toast {
  id: number;
  message: string;
  tone: Tone;
  action?: ToastAction | undefined;
}
/** Shows a toast; returns its id (for useDismissToast). */
type Notify = (message: string, tone?: Tone, options?: ToastOptions) => number;

const ToastContext = createContext<Notify>(() => 0);
const DismissContext = createContext<(id: number) => void>(() => {});

/** Bottom centre, over the titles rather than the rows' action buttons (which sit at the right edge). */
const MAX_TOASTS = 2;

export function ToastProvider({ children }: { children: ReactNode }) {
  const t = useT('common');
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((t) => t.filter((x) => x.id !== id)), []);
  const notify = useCallback<Notify>(
    (message, tone = 'info', options = {}) => {
      const id = next.current++;
      const toast = { id, message, tone, action: options.action };
      // At most two at a time, and a repeated message replaces its twin: toasts never pile up over the list.
      setToasts((t) => [...t.filter((x) => x.message !== message).slice(-(MAX_TOASTS - 1)), toast]);
      setTimeout(() => dismiss(id), options.durationMs ?? (tone === 'error' ? 7000 : 4000));
      return id;
    },
    [dismiss],
  );
  const value = useMemo(() => notify, [notify]);
  return (
    <ToastContext.Provider value={value}>
      <DismissContext.Provider value={dismiss}>{children}</DismissContext.Provider>
      <section
        aria-live="polite"
        aria-label={t('toast.region')}
        className="pointer-events-none fixed bottom-4 left-1/2 z-[60] flex w-[min(24rem,calc(100vw-2rem))] -translate-x-1/2 flex-col gap-2"
      >
        {toasts.map((toast) => (
          <div
            key={toast.id}
            role={toast.tone === 'error' ? 'alert' : 'status'}
            data-testid="toast"
            className={cn(
              'pointer-events-auto flex items-start justify-between gap-3 rounded-md px-4 py-3 text-sm shadow-lg ring-1',
              toast.tone === 'error' &&
                'bg-red-50 text-red-800 ring-red-200 dark:bg-red-950 dark:text-red-200 dark:ring-red-800',
              toast.tone === 'success' &&
                'bg-emerald-50 text-emerald-800 ring-emerald-200 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-800',
              toast.tone === 'info' &&
                'bg-white text-slate-800 ring-slate-200 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-700',
            )}
          >
            <span>{toast.message}</span>
            {toast.action ? (
              <button
                type="button"
                className="ml-auto shrink-0 rounded font-semibold underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-current"
                onClick={() => {
                  dismiss(toast.id);
                  toast.action?.onAction();
                }}
              >
                {toast.action.label}
              </button>
            ) : null}
            <button
              type="button"
              className="text-current/70"
              onClick={() => dismiss(toast.id)}
              aria-label={t('toast.dismiss')}
            >
              ✕
            </button>
          </div>
        ))}
      </section>
    </ToastContext.Provider>
  );
}

export const useToast = () => useContext(ToastContext);
/** Closes a toast by the id `useToast()` returned (an Undo done with the keyboard closes its toast). */
export const useDismissToast = () => useContext(DismissContext);
