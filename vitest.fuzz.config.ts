import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * `npm run test:fuzz`: the full fuzz run, 10,000 requests per ingest provider and 10,000 to the
 * management API inside workerd (`npm test` runs the same suites with 1,000), plus the timing test of
 * the constant-time comparison, which needs Node's clock. FUZZ_RUNS and FUZZ_SEED override the count
 * and replay a failing run: `FUZZ_SEED=123 npm run test:fuzz`.
 */
const runs = Number(process.env.FUZZ_RUNS ?? 10_000);
const seed = process.env.FUZZ_SEED === undefined ? {} : { fuzzSeed: Number(process.env.FUZZ_SEED) };

export default defineConfig({
	test: {
		// The worker logs every request it refuses: show logs only for tests that fail.
		silent: "passed-only",
		projects: [
			{
				plugins: [
					cloudflareTest({
						wrangler: { configPath: "./wrangler.toml" },
						miniflare: { bindings: { ADMIN_TOKEN: "test-admin-token", ALLOW_INSECURE_TARGETS: "true" } },
					}),
				],
				test: {
					name: "fuzz",
					include: ["test/fuzz/**/*.test.ts"],
					exclude: ["test/fuzz/**/*.node.test.ts"],
					globalSetup: ["./test/global-setup.ts"],
					setupFiles: ["./test/setup-zod-openapi.ts"],
					provide: { fuzzRuns: runs, ...seed },
					testTimeout: 1_800_000,
				},
			},
			{
				test: {
					name: "constant-time",
					include: ["test/fuzz/**/*.node.test.ts"],
					environment: "node",
					testTimeout: 60_000,
				},
			},
		],
	},
});
