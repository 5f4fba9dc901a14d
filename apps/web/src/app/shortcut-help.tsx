/** The `?` overlay: every shortcut of the catalogue (lib/shortcuts.ts), by group. A lazy chunk. */
import { Fragment } from 'react';
import { Dialog } from '../components/ui/dialog';
import { useT } from '../lib/i18n';
import { SHORTCUTS, type Shortcut, type ShortcutGroup, type ShortcutId, shortcutDescription } from '../lib/shortcuts';

const GROUPS: ShortcutGroup[] = ['anywhere', 'taskList'];

export default function ShortcutHelp({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const t = useT('shell');
  const all = Object.entries(SHORTCUTS) as [ShortcutId, Shortcut][];
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={t('shortcutHelp.title')} wide>
      <div className="grid gap-6 sm:grid-cols-2" data-testid="shortcut-help">
        {GROUPS.map((group) => (
          <section key={group} aria-labelledby={`shortcuts-${group}`}>
            <h3 id={`shortcuts-${group}`} className="mb-2 text-sm font-semibold text-slate-700 dark:text-slate-200">
              {t(`shortcutHelp.group.${group}`)}
            </h3>
            <dl className="space-y-1.5 text-sm">
              {all
                .filter(([, s]) => s.group === group)
                .map(([id, s]) => (
                  <div key={id} className="flex items-center justify-between gap-3">
                    <dt className="text-slate-700 dark:text-slate-200">{shortcutDescription(id)}</dt>
                    <dd className="flex shrink-0 items-center gap-1">
                      {s.keys.map((k, i) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: a fixed, never reordered list of key caps
                        <Fragment key={i}>
                          {k === 'then' ? (
                            <span className="text-xs text-slate-600 dark:text-slate-300">{t('shortcutHelp.then')}</span>
                          ) : (
                            <kbd className="min-w-6 rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 text-center font-mono text-xs text-slate-800 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100">
                              {k}
                            </kbd>
                          )}
                        </Fragment>
                      ))}
                    </dd>
                  </div>
                ))}
            </dl>
          </section>
        ))}
      </div>
      <p className="mt-4 text-xs text-slate-600 dark:text-slate-300">{t('shortcutHelp.note')}</p>
    </Dialog>
  );
}
