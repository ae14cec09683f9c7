// What the property-based tests of the readers share: how hard they push (a fixed seed, so a
// failure in CI is the same failure on any machine, fast-check printing the seed and the shrunk
// case; a number of cases per property that fits CI's time; `npm run fuzz` runs many more with
// FUZZ_RUNS, and FUZZ_SEED replays another seed), and the damaged files they try.
import fc, { type Parameters } from 'fast-check';

const runs = Number(process.env.FUZZ_RUNS ?? 2000);
const seed = Number(process.env.FUZZ_SEED ?? 20261207);

/** The settings of a property over `weight` times the usual number of cases (a slow reader takes fewer). */
export function fuzz<T>(weight = 1): Parameters<T> {
  return { numRuns: Math.max(1, Math.round(runs * weight)), seed, endOnFailure: false };
}

/** Random bytes, and a valid file's bytes overwritten anywhere or cut anywhere. */
export function damaged(valid: Uint8Array, randomBytes: number): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: randomBytes }),
    fc.tuple(fc.nat(valid.length - 1), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([at, bytes]) => {
      const copy = Uint8Array.from(valid);
      copy.set(bytes.subarray(0, copy.length - at), at);
      return copy;
    }),
    fc.nat(valid.length).map((n) => valid.slice(0, n)),
  );
}
