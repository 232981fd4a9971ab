// Simulated time. Every realistic duration (VM boot, kubeadm init, API latency) is multiplied by the
// clock's scale before it is slept, so tests run the same sequence of events in a fraction of the time.
import type { SimClock } from "./contracts";

export interface ClockOptions {
  /** Multiplier applied to realistic durations; 1 = real time (CLI default), 0.002 in fast tests. */
  scale?: number;
}

class ScaledClock implements SimClock {
  private offsetMs = 0;
  constructor(public readonly scale: number) {}

  /** Moves now() forward (admin POST /admin/clock): certificates and tokens then expire as in real time. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`the clock only moves forward: got ${ms} ms`);
    this.offsetMs += ms;
  }

  sleep(realisticMs: number, signal?: AbortSignal): Promise<void> {
    const ms = Math.max(0, realisticMs * this.scale);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      const timer = setTimeout(() => {
        stopWatching();
        resolve();
      }, ms);
      const stopWatching = signal
        ? watchAbort(signal, () => {
            clearTimeout(timer);
            reject(abortError(signal));
          })
        : () => undefined;
    });
  }

  /** Wall-clock milliseconds: timestamps (audit, job created/completed, expires checks) stay real. */
  now(): number {
    return Date.now() + this.offsetMs;
  }
}

/**
 * Many sleeps wait on one signal at once (every VM's power-on job sleeps on the simulator's shutdown
 * signal), and one `abort` listener each makes Node warn (MaxListenersExceededWarning) from 11 on,
 * although each is removed when its sleep ends. So each signal gets a single listener that wakes the
 * set of current waiters; a waiter leaves the set when its sleep ends.
 */
const waiters = new WeakMap<AbortSignal, Set<() => void>>();

function watchAbort(signal: AbortSignal, onAbort: () => void): () => void {
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
  current.add(onAbort);
  return () => {
    current.delete(onAbort);
  };
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  const err = new Error("sleep aborted");
  err.name = "AbortError";
  return err;
}

export function createClock(options: ClockOptions = {}): SimClock {
  const scale = options.scale ?? 1;
  if (!Number.isFinite(scale) || scale < 0) throw new Error(`time scale must be a finite number >= 0, got ${scale}`);
  return new ScaledClock(scale);
}
