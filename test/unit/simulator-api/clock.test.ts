import { getEventListeners } from "node:events";
import { createClock } from "../../../simulator/clock";

describe("SimClock", () => {
  test("sleep scales realistic durations", async () => {
    const clock = createClock({ scale: 0.01 });
    const t0 = Date.now();
    await clock.sleep(3000); // 30 ms real
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(25);
    expect(elapsed).toBeLessThan(1000);
    expect(clock.scale).toBe(0.01);
  });

  test("default scale is real time and now() is wall-clock", () => {
    const clock = createClock();
    expect(clock.scale).toBe(1);
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
  });

  test("an abort rejects the sleep early, also when already aborted", async () => {
    const clock = createClock({ scale: 1 });
    const ctl = new AbortController();
    const p = clock.sleep(60_000, ctl.signal);
    ctl.abort(new Error("stop now"));
    await expect(p).rejects.toThrow("stop now");
    await expect(clock.sleep(10, ctl.signal)).rejects.toThrow("stop now");
  });

  test("many sleeps on one signal add one abort listener, not one each, and all wake on abort", async () => {
    const clock = createClock({ scale: 1 });
    const ctl = new AbortController();
    const sleeps = Array.from({ length: 25 }, () => clock.sleep(60_000, ctl.signal));
    // Node warns (MaxListenersExceededWarning) from 11 listeners on one AbortSignal.
    expect(getEventListeners(ctl.signal, "abort").length).toBeLessThanOrEqual(1);
    ctl.abort(new Error("shutdown"));
    const outcomes = await Promise.allSettled(sleeps);
    expect(outcomes.every((o) => o.status === "rejected")).toBe(true);
  });

  test("a finished sleep no longer reacts to the signal", async () => {
    const clock = createClock({ scale: 1 });
    const ctl = new AbortController();
    await clock.sleep(1, ctl.signal);
    const pending = clock.sleep(60_000, ctl.signal);
    ctl.abort(new Error("late"));
    await expect(pending).rejects.toThrow("late");
  });

  test("invalid scales are refused", () => {
    expect(() => createClock({ scale: -1 })).toThrow();
    expect(() => createClock({ scale: Number.NaN })).toThrow();
  });
});
