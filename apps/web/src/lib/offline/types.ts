/** A write the server has not seen yet. Resources are addressed as `${collection}/${resourceId}`. */
export interface QueuedWrite {
  method: 'POST' | 'PATCH' | 'DELETE';
  /** The collection path under /api/v1, e.g. `/tasks`. POST goes to it, PATCH and DELETE to `/tasks/<id>`. */
  collection: string;
  /** The resource written: for a POST, the id the client gave the new resource until the server names it. */
  resourceId: string;
  /** JSON body (POST: the new resource; PATCH: the changed fields). */
  body?: Record<string, unknown>;
  /** POST: the key that makes a repeat of the request a no-op on the server. */
  idempotencyKey?: string;
  /** PATCH/DELETE: the ETag of the version the change was made on (a newer one on the server answers 412). */
  ifMatch?: string | null;
}

export interface QueueConflict {
  /** The resource as the server has it now, and its ETag. */
  latest: Record<string, unknown>;
  etag: string | null;
}

export interface QueueEntry extends QueuedWrite {
  /** Order of the writes (IndexedDB auto-increment): replayed in this order. */
  seq?: number;
  /** The signed-in user who made the write: it is replayed only in that user's session. */
  userId: string;
  queuedAt: string;
  /** `conflict`: the server had a newer version (412); kept until the user resolves it, never replayed as is. */
  state: 'queued' | 'conflict';
  conflict?: QueueConflict;
}

/** What the replay tells the app about one write. */
export type ReplayOutcome =
  | { type: 'applied'; entry: QueueEntry; data: unknown }
  | { type: 'conflict'; entry: QueueEntry }
  | { type: 'rejected'; entry: QueueEntry; status: number; message: string };
