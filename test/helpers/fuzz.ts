import { fc } from "@fast-check/vitest";

/**
 * fast-check parameters for the property tests. In CI a fixed seed and `runs` cases, so a
 * run is reproducible; `npm run fuzz` sets KB_FUZZ=1, which runs `KB_FUZZ_FACTOR` (default
 * 50) times as many cases from a fresh seed (or KB_FUZZ_SEED), printed on a failure to replay.
 */
export function fuzzParams<T = never>(runs: number): fc.Parameters<T> {
  if (process.env.KB_FUZZ !== "1") return { seed: 20261207, numRuns: runs };
  const factor = Number(process.env.KB_FUZZ_FACTOR ?? 50);
  const seed = process.env.KB_FUZZ_SEED === undefined ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(process.env.KB_FUZZ_SEED);
  return { seed, numRuns: Math.round(runs * factor), verbose: 1 };
}
