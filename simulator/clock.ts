// Simulated time. Every realistic duration (VM boot, kubeadm init, API latency) is multiplied by the
// clock's scale before it is slept, so tests run the same sequence of events in a fraction of the time.
import type { SimClock } from "./contracts";

export interface ClockOptions {
  /** Multiplier applied to realistic durations; 1 = real time (CLI default), 0.002 in fast tests. */
  scale?: number;
}

class ScaledClock implements SimClock {
  constructor(public readonly scale: number) {}

  sleep(realisticMs: number, signal?: AbortSignal): Promise<void> {
    const ms = Math.max(0, realisticMs * this.scale);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortError(signal));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Wall-clock milliseconds: timestamps (audit, job created/completed, expires checks) stay real. */
  now(): number {
    return Date.now();
  }
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
