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

  test("invalid scales are refused", () => {
    expect(() => createClock({ scale: -1 })).toThrow();
    expect(() => createClock({ scale: Number.NaN })).toThrow();
  });
});
