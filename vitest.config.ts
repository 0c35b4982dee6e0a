import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Tests run inside workerd with real local KV, Queues and Durable Objects (see STYLE.md).
export default defineConfig({
	plugins: [
		cloudflareTest({
			wrangler: { configPath: "./wrangler.toml" },
			// Tests post to a local subscriber (http, loopback), and use a known admin token.
			miniflare: { bindings: { ADMIN_TOKEN: "test-admin-token", ALLOW_INSECURE_TARGETS: "true" } },
		}),
	],
	test: {
		include: ["src/**/*.test.ts", "test/**/*.test.ts"],
		globalSetup: ["./test/global-setup.ts"],
		setupFiles: ["./test/setup-zod-openapi.ts"],
		// Node-run suites: e2e and chaos drive `wrangler dev`; *.node.test.ts need Node's clock.
		exclude: ["test/e2e/**", "test/chaos/**", "test/**/*.node.test.ts"],
		testTimeout: 20_000,
		silent: "passed-only",
	},
});
