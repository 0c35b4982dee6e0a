/** The ordering benchmarks (bench/ordering.ts): per_key against unordered, and ordered side by side, on `wrangler dev`. */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
	root: fileURLToPath(new URL("..", import.meta.url)),
	test: {
		include: ["bench/ordering.ts"],
		fileParallelism: false,
		testTimeout: 60 * 60_000,
		hookTimeout: 120_000,
	},
});
