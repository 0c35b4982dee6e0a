/** Settings the benchmark configs pass to the code that runs in workerd (vitest `provide`/`inject`). */
export interface CpuBenchSettings {
	/** Timed batches per measurement (after one untimed warm-up batch). */
	batches: number;
	/** Events per batch: the clock's resolution is 1 ms, so a batch must take well over that. */
	iterations: number;
	/** Sequential requests per I/O measurement (bench/io-stages.ts). */
	ioRequests: number;
}

/** The line prefix a workerd benchmark prints its JSON result after; the config writes it to a file. */
export const RESULT_MARK = "HOOKFAN_BENCH_RESULT ";

declare module "vitest" {
	export interface ProvidedContext {
		cpuBench: CpuBenchSettings;
	}
}
