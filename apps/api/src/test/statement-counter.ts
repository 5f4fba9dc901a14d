/**
 * Counts the SQL statements node-postgres sends while `count(fn)` runs, for the round-trip tests on PostgreSQL
 * (tasks.roundtrips, auth.roundtrips). Client#query of every pooled client is wrapped between `install()` and
 * `uninstall()`; only the statements of `fn`'s own async context are recorded (not a scheduled job's that runs
 * meanwhile). BEGIN and COMMIT count. Each statement is kept as its first 90 characters, whitespace collapsed.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';

export interface StatementCounter {
  install(): void;
  uninstall(): void;
  /** The statements `fn` sent. */
  count(fn: () => Promise<unknown>): Promise<string[]>;
}

export function statementCounter(): StatementCounter {
  const seen: string[] = [];
  const counting = new AsyncLocalStorage<boolean>();
  const original = pg.Client.prototype.query;
  return {
    install() {
      pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
        if (counting.getStore()) {
          const q = args[0] as string | { text?: string };
          seen.push((typeof q === 'string' ? q : (q?.text ?? '')).replace(/\s+/g, ' ').slice(0, 90));
        }
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof original;
    },
    uninstall() {
      pg.Client.prototype.query = original;
    },
    async count(fn) {
      seen.length = 0;
      await counting.run(true, fn);
      return [...seen];
    },
  };
}
