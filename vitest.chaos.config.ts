import { defineConfig } from "vitest/config";

/**
 * `npm run test:chaos`: faults against real `wrangler dev` processes driven from Node, one file at a
 * time (they start and SIGKILL their own runtimes): a hard kill while ingests stream in, hostile
 * subscribers next to healthy ones, and a burst of 2,000 events in 10 s.
 */
export default defineConfig({
	test: {
		include: ["test/chaos/**/*.test.ts"],
		fileParallelism: false,
		testTimeout: 420_000,
		hookTimeout: 60_000,
	},
});
