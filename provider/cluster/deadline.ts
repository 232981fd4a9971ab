// A deadline shared by the phases of one operation, plus cancellable sleeps.

export class Deadline {
  constructor(public readonly at: number, private readonly label: string) {}

  static in(ms: number, label: string): Deadline {
    return new Deadline(Date.now() + ms, label);
  }

  remaining(): number {
    return Math.max(0, this.at - Date.now());
  }

  expired(): boolean {
    return Date.now() >= this.at;
  }

  /** Throws when past the deadline; `what` says what we were waiting for, for the message. */
  check(what: string): void {
    if (this.expired()) throw new DeadlineError(`${this.label}: deadline exceeded while ${what}; raise the timeout (timeouts input) or check the cause above`);
  }

  /** A deadline no later than this one. */
  sub(ms: number, label: string): Deadline {
    return new Deadline(Math.min(this.at, Date.now() + ms), label);
  }
}

export class DeadlineError extends Error {
  override name = "DeadlineError";
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
