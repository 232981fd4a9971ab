// Deterministic draws: each draw is a pure function of (seed, key, occurrence), so the same seed gives
// the same fault sequence regardless of how calls for other commands or nodes interleave.

/** 32-bit FNV-1a hash of a string. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small, well-mixed PRNG; returns a generator of floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One uniform draw in [0, 1) keyed by seed, a fault key and the occurrence number. */
export function keyedDraw(seed: number | string, key: string, occurrence: number): number {
  return mulberry32(hashString(`${seed}\u0000${key}\u0000${occurrence}`))();
}
