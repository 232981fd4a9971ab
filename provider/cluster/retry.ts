// Retries with exponential backoff, bounded by a deadline (DESIGN rule 2: each phase retries transient errors).
import { Deadline, sleep } from "./deadline";
import { isTransientError } from "./cloudErrors";

export interface RetryOptions {
  deadline: Deadline;
  /** What is being attempted, for the deadline message. */
  what: string;
  /** Decides whether an error is worth another attempt; CloudStack transients by default. */
  retryable?: (err: unknown) => boolean;
  initialDelayMs?: number;
  maxDelayMs?: number;
  maxAttempts?: number;
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const retryable = opts.retryable ?? isTransientError;
  let delay = opts.initialDelayMs ?? 500;
  const maxDelay = opts.maxDelayMs ?? 10_000;
  const maxAttempts = opts.maxAttempts ?? Number.POSITIVE_INFINITY;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!retryable(err) || attempt >= maxAttempts || opts.deadline.remaining() <= delay) throw err;
      await sleep(delay);
      delay = Math.min(maxDelay, Math.round(delay * 1.6));
    }
  }
}

/**
 * Polls `probe` until it returns a value other than undefined, sleeping between attempts; throws a
 * DeadlineError naming `what` (and the last observation) at the deadline.
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  opts: { deadline: Deadline; what: string; intervalMs?: number; maxIntervalMs?: number; describe?: () => string },
): Promise<T> {
  let interval = opts.intervalMs ?? 250;
  const maxInterval = opts.maxIntervalMs ?? 5000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (opts.deadline.remaining() <= 0) {
      const last = opts.describe ? ` (last seen: ${opts.describe()})` : "";
      opts.deadline.check(`${opts.what}${last}`);
    }
    await sleep(Math.min(interval, Math.max(1, opts.deadline.remaining())));
    interval = Math.min(maxInterval, Math.round(interval * 1.5));
  }
}
