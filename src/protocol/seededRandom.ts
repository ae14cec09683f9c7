// One small seeded generator for everything that must repeat from a seed alone: the batch order
// (tfjs has seeded ops but no seeded shuffle of a JS index array) and a sweep's random samples.

/** mulberry32: 32-bit state, good enough for shuffling and sampling, identical on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
