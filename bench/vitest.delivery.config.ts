/** The end-to-end delivery benchmarks (bench/delivery.ts): Node drives a real `wrangler dev`. */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
	root: fileURLToPath(new URL("..", import.meta.url)),
	test: {
		include: ["bench/delivery.ts"],
		fileParallelism: false,
		testTimeout: 60 * 60_000,
		hookTimeout: 120_000,
	},
});
