/**
 * One run at a time of a periodic job (a sweep, a refresh): a call while one runs gets that run's
 * promise; the first call after it settles starts a new one. The scheduler never overlaps a job
 * with itself; this covers the other callers (a hub's own change asking for a sweep at once).
 */
export function singleFlight<T>(run: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  return () =>
    (running ??= run().finally(() => {
      running = null;
    }));
}
