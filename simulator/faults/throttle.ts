// Sliding one-second window of admitted API requests, for the `throttle=N` fault (429 above N/s).
export class RequestWindow {
  private readonly times: number[] = [];

  /** Admit a request at `now` unless `limit` requests were already admitted in the last second. */
  admit(now: number, limit: number | undefined): boolean {
    while (this.times.length > 0 && this.times[0] <= now - 1000) this.times.shift();
    if (limit !== undefined && this.times.length >= limit) return false;
    this.times.push(now);
    return true;
  }
}
