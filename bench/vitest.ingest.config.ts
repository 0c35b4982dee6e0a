/** The ingest load benchmark (bench/ingest.ts): Node drives a real `wrangler dev` with autocannon. */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
	root: fileURLToPath(new URL("..", import.meta.url)),
	test: {
		include: ["bench/ingest.ts"],
		fileParallelism: false,
		testTimeout: 60 * 60_000,
		hookTimeout: 120_000,
	},
});
