/**
 * How many requests each fuzz property sends, and from which seed. `npm test` runs a fast subset
 * from a fixed seed, so CI sees the same 1,000 cases every time; `npm run test:fuzz`
 * (vitest.fuzz.config.ts) sends the full count from a new seed each run, and FUZZ_SEED replays one.
 */
import { inject } from "vitest";
import "./provided";

/** The fast subset `npm test` runs: a few seconds per property. */
export const MAIN_SUITE_RUNS = 1_000;
const MAIN_SUITE_SEED = 20_261_123;

export function fuzzRuns(): number {
	return inject("fuzzRuns") ?? MAIN_SUITE_RUNS;
}

/** fast-check parameters: the run count, and the seed (fixed in the main suite, random in the full run). */
export function fuzzParameters(runs = fuzzRuns()): { numRuns: number; seed?: number } {
	const seed = inject("fuzzSeed") ?? (inject("fuzzRuns") === undefined ? MAIN_SUITE_SEED : undefined);
	return seed === undefined ? { numRuns: runs } : { numRuns: runs, seed };
}
