/**
 * Cooperative time slicing for long work on the request thread (a 9 MB CSV import, a 100k-task export). In
 * embedded mode the database (PGlite, WASM) runs on this thread too, so one request's long synchronous stretch
 * stops every other request, timer and socket (R11). Work in slices of at most `sliceMs` and let the event loop
 * turn between them: pending I/O (other requests) is handled and their queued statements run first.
 */

/** One event-loop turn (setImmediate: after the poll phase, so pending sockets and other requests get in). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class TimeSlicer {
  private since = performance.now();

  constructor(private readonly sliceMs = 10) {}

  /** Yield one loop turn when `sliceMs` of work has run since the last turn; otherwise go on at once. */
  async pause(): Promise<void> {
    if (performance.now() - this.since < this.sliceMs) return;
    await nextTurn();
    this.since = performance.now();
  }
}
