import { growth, median, overlapStats, peakConcurrency, simulatedSeconds, speedUp } from "../../../scripts/bench/stats";

describe("bench stats", () => {
  it("median picks the middle value, or the mean of the two middle values", () => {
    expect(median([3])).toBe(3);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/empty/);
    expect(() => median([1, Number.NaN])).toThrow(/non-finite/);
  });

  it("speed-up is slow over fast and refuses a zero time", () => {
    expect(speedUp(30, 10)).toBe(3);
    expect(speedUp(10, 10)).toBe(1);
    expect(() => speedUp(10, 0)).toThrow(/positive/);
  });

  it("back-to-back jobs overlap about 1x, with peak 1", () => {
    const s = overlapStats([
      { start: 0, end: 100 },
      { start: 100, end: 200 },
      { start: 200, end: 300 },
    ]);
    expect(s).toEqual({ jobs: 3, sumMs: 300, spanMs: 300, overlap: 1, peak: 1 });
  });

  it("gaps between sequential jobs push the overlap below 1", () => {
    // 200 ms of work over a 400 ms span.
    const s = overlapStats([
      { start: 0, end: 100 },
      { start: 300, end: 400 },
    ]);
    expect(s.overlap).toBe(0.5);
    expect(s.peak).toBe(1);
  });

  it("jobs running at once overlap by their count", () => {
    const s = overlapStats([
      { start: 0, end: 100 },
      { start: 0, end: 100 },
      { start: 0, end: 100 },
      { start: 0, end: 100 },
    ]);
    expect(s.overlap).toBe(4);
    expect(s.peak).toBe(4);
    expect(s.spanMs).toBe(100);
  });

  it("partial overlap: sum over span, and the peak counts only truly simultaneous jobs", () => {
    const intervals = [
      { start: 0, end: 100 },
      { start: 50, end: 150 },
      { start: 140, end: 200 },
    ];
    const s = overlapStats(intervals);
    expect(s.sumMs).toBe(260);
    expect(s.spanMs).toBe(200);
    expect(s.overlap).toBeCloseTo(1.3);
    expect(s.peak).toBe(2);
    expect(peakConcurrency([{ start: 0, end: 10 }, { start: 5, end: 20 }, { start: 6, end: 7 }])).toBe(3);
  });

  it("no jobs and zero-length jobs do not divide by zero; broken intervals are refused", () => {
    expect(overlapStats([])).toEqual({ jobs: 0, sumMs: 0, spanMs: 0, overlap: 0, peak: 0 });
    expect(overlapStats([{ start: 5, end: 5 }]).overlap).toBe(1);
    expect(() => overlapStats([{ start: 10, end: 5 }])).toThrow(/invalid interval/);
  });

  it("simulated seconds undo the time scale", () => {
    expect(simulatedSeconds(400, 0.02)).toBeCloseTo(20);
    expect(() => simulatedSeconds(400, 0)).toThrow(/positive/);
  });

  it("growth is largest-size time over smallest-size time, whatever the map order", () => {
    expect(growth(new Map([[6, 30], [1, 10], [3, 20]]))).toBe(3);
    expect(growth(new Map([[1, 8], [6, 8]]))).toBe(1);
    expect(() => growth(new Map([[1, 8]]))).toThrow(/two cluster sizes/);
  });
});
