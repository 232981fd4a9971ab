// Waiting on a shared AbortSignal without one `abort` listener per wait.
//
// A caller may pass one signal to many concurrent calls (a cluster's 12 workers: their HTTP requests,
// retry sleeps, job polls and SSH commands). One listener per wait, even when each is removed as its
// wait ends, makes Node print MaxListenersExceededWarning from the 11th concurrent wait on. So each
// signal gets a single listener that wakes the set of current waiters, and a waiter leaves the set
// when its wait ends, so nothing accumulates.

const waiters = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `onAbort` once if `signal` aborts later (like addEventListener, nothing fires for a signal that
 * is already aborted: callers check `signal.aborted` first). The returned function stops watching;
 * call it when the wait ends.
 */
export function watchAbort(signal: AbortSignal, onAbort: () => void): () => void {
  let set = waiters.get(signal);
  if (!set) {
    const fresh = new Set<() => void>();
    set = fresh;
    waiters.set(signal, fresh);
    signal.addEventListener(
      "abort",
      () => {
        waiters.delete(signal);
        for (const wake of [...fresh]) wake();
      },
      { once: true },
    );
  }
  const current = set;
  // A distinct wrapper per wait, so the same callback may watch twice and each stop removes one.
  const entry = (): void => {
    current.delete(entry);
    onAbort();
  };
  current.add(entry);
  return () => {
    current.delete(entry);
  };
}
