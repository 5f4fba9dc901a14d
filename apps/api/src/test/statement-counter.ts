/**
 * Counts the SQL statements a database driver runs while `count(fn)` runs, for the round-trip tests
 * (tasks.roundtrips, auth.roundtrips) on both drivers:
 * - PostgreSQL: Client#query of every node-postgres client is wrapped (the pool's clients, transactions included);
 * - PGlite: the instance's execProtocolRawSync, which every statement passes through (query(), exec(), a
 *   transaction's statements, the named statements of infra/db/client.ts), is wrapped, and the frontend protocol
 *   messages it is given are read: each simple Query ('Q') and each Execute ('E') is one statement, its text from
 *   the Parse ('P') of its statement (named or unnamed) when that was seen.
 * Between `install()` and `uninstall()`; only the statements of `fn`'s own async context are recorded (not a
 * scheduled job's that runs meanwhile). BEGIN and COMMIT count. Each statement is kept as its first 90
 * characters, whitespace collapsed.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface StatementCounter {
  install(): Promise<void>;
  uninstall(): void;
  /** The statements `fn` sent. */
  count(fn: () => Promise<unknown>): Promise<string[]>;
}

const short = (text: string) => text.replace(/\s+/g, ' ').slice(0, 90);

/**
 * The statements in a buffer of frontend protocol messages (each: a type byte, then an Int32 length that counts
 * itself and the body). `parsed` maps statement names to their text, across calls ('' is the unnamed statement).
 */
export function statementsIn(buffer: Uint8Array, parsed: Map<string, string>): string[] {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const decoder = new TextDecoder();
  const out: string[] = [];
  let bound = '';
  for (let at = 0; at + 5 <= buffer.length; ) {
    const type = String.fromCharCode(buffer[at] as number);
    const length = view.getInt32(at + 1);
    const body = buffer.subarray(at + 5, at + 1 + length);
    const cstrings = (n: number) => {
      const found: string[] = [];
      let from = 0;
      for (let i = 0; i < n; i++) {
        const end = body.indexOf(0, from);
        found.push(decoder.decode(body.subarray(from, end)));
        from = end + 1;
      }
      return found;
    };
    if (type === 'Q') out.push(short(cstrings(1)[0] ?? ''));
    else if (type === 'P') {
      const [name = '', text = ''] = cstrings(2);
      parsed.set(name, text);
    } else if (type === 'B') bound = cstrings(2)[1] ?? '';
    else if (type === 'E') out.push(short(parsed.get(bound) ?? `<prepared ${bound}>`));
    at += 1 + length;
  }
  return out;
}

/** `pglite`: count that embedded database's statements; without it, node-postgres'. */
export function statementCounter(pglite?: () => PGlite | undefined): StatementCounter {
  const seen: string[] = [];
  const counting = new AsyncLocalStorage<boolean>();
  const original = pg.Client.prototype.query;
  let restore: (() => void) | undefined;
  return {
    async install() {
      const db = pglite?.();
      if (db) {
        // The statements this session prepared before (their Parse was not seen): their names and texts.
        const prepared = await db.query<{ name: string; statement: string }>(
          'select name, statement from pg_prepared_statements',
        );
        const parsed = new Map(prepared.rows.map((r) => [r.name, r.statement]));
        const raw = db.execProtocolRawSync.bind(db);
        db.execProtocolRawSync = (message: Uint8Array) => {
          const statements = statementsIn(message, parsed);
          if (counting.getStore()) seen.push(...statements);
          return raw(message);
        };
        restore = () => {
          db.execProtocolRawSync = raw;
        };
        return;
      }
      pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
        if (counting.getStore()) {
          const q = args[0] as string | { text?: string };
          seen.push(short(typeof q === 'string' ? q : (q?.text ?? '')));
        }
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof original;
      restore = () => {
        pg.Client.prototype.query = original;
      };
    },
    uninstall() {
      restore?.();
      restore = undefined;
    },
    async count(fn) {
      seen.length = 0;
      // Awaited inside the context: a thenable that starts its work when awaited (app.inject's chain) would
      // otherwise start outside it, and none of its statements would be seen.
      await counting.run(true, async () => {
        await fn();
      });
      return [...seen];
    },
  };
}
