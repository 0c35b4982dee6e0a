/**
 * The workerd benchmarks: CPU per event (bench/cpu.ts) and sequential I/O latency of the ingest
 * stages (bench/io-stages.ts), in the same workerd and local bindings the test suite uses.
 * Sizes come from the environment: BENCH_CPU_BATCHES, BENCH_CPU_ITERATIONS, BENCH_IO_REQUESTS.
 */
import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import type { CpuBenchSettings } from "./bench-types.ts";
import { captureResult } from "./results.ts";

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const cpuBench: CpuBenchSettings = {
	batches: num("BENCH_CPU_BATCHES", 20),
	iterations: num("BENCH_CPU_ITERATIONS", 500),
	ioRequests: num("BENCH_IO_REQUESTS", 300),
};

export default defineConfig({
	root: fileURLToPath(new URL("..", import.meta.url)),
	plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
	test: {
		include: ["bench/cpu.ts", "bench/io-stages.ts"],
		provide: { cpuBench },
		fileParallelism: false,
		testTimeout: 30 * 60_000,
		onConsoleLog: captureResult,
	},
});
