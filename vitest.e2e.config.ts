import { defineConfig } from "vitest/config";

// End-to-end tests drive real `wrangler dev` processes from Node, one at a time.
export default defineConfig({
	test: {
		include: ["test/e2e/**/*.test.ts"],
		globalSetup: ["./test/global-setup.ts"],
		fileParallelism: false,
		testTimeout: 180_000,
		hookTimeout: 60_000,
	},
});
