/**
 * The browser database of the offline layer (IndexedDB through `idb`): the queue of writes made offline and the
 * persisted query cache. One database per origin; every record names the user it belongs to.
 */
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { QueueEntry } from './types';

export const DB_NAME = 'primetrade-offline';

export interface OfflineSchema extends DBSchema {
  /** Writes waiting for the server, in the order they were made (`seq` is an auto-increment key). */
  queue: { key: number; value: QueueEntry; indexes: { byUser: string; byResource: [string, string, string] } };
  /** Small documents: the persisted query cache under `cache`. */
  kv: { key: string; value: unknown };
}

let opening: Promise<IDBPDatabase<OfflineSchema>> | null = null;

export function offlineDb(): Promise<IDBPDatabase<OfflineSchema>> {
  opening ??= openDB<OfflineSchema>(DB_NAME, 1, {
    upgrade(db) {
      const queue = db.createObjectStore('queue', { keyPath: 'seq', autoIncrement: true });
      queue.createIndex('byUser', 'userId');
      queue.createIndex('byResource', ['userId', 'collection', 'resourceId']);
      db.createObjectStore('kv');
    },
    // Another tab opened a newer version: let it upgrade, reopen on the next use.
    blocking() {
      void opening?.then((db) => db.close());
      opening = null;
    },
  });
  return opening;
}

/** Tests: forget the open connection (fake-indexeddb is replaced between tests). */
export async function closeOfflineDb(): Promise<void> {
  const db = opening;
  opening = null;
  if (db) (await db).close();
}
