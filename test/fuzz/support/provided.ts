/** What vitest.fuzz.config.ts provides to the fuzz suites (shared by the workerd and Node type checks). */
declare module "vitest" {
	export interface ProvidedContext {
		/** Requests per provider (ingest) or in all (management API); absent in the main suite. */
		fuzzRuns?: number;
		/** A fast-check seed, to replay a failing run. */
		fuzzSeed?: number;
	}
}

export {};
