// Sleeping that respects an AbortSignal, and the backoff schedule used for retries and job polling.
import { watchAbort } from "./abort";

export class SleepAbortedError extends Error {
  constructor() {
    super("aborted while waiting");
    this.name = "AbortError";
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new SleepAbortedError());
      return;
    }
    const timer = setTimeout(() => {
      stopWatching();
      resolve();
    }, Math.max(0, ms));
    const stopWatching = signal
      ? watchAbort(signal, () => {
          clearTimeout(timer);
          reject(new SleepAbortedError());
        })
      : () => undefined;
  });
}

/** Delay before retry number `attempt` (0-based): base * 2^attempt, capped, with ±20 % jitter. */
export function retryDelay(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const exact = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(exact * (0.8 + 0.4 * random()));
}

/** Seconds from a Retry-After header (delta form only; dates are rare and ignored). */
export function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim()) * 1000;
}
