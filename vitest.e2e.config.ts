import { defineConfig } from "vitest/config";

// End-to-end tests drive real `wrangler dev` processes from Node, one at a time. The CLI's unit
// tests (cli/*.test.ts) run here too: the CLI is Node code, not Worker code.
export default defineConfig({
	test: {
		include: ["test/e2e/**/*.test.ts", "cli/**/*.test.ts"],
		globalSetup: ["./test/global-setup.ts"],
		fileParallelism: false,
		testTimeout: 180_000,
		hookTimeout: 60_000,
	},
});
