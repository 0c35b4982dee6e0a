import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Tests run inside workerd with real local KV, Queues and Durable Objects (see STYLE.md).
export default defineConfig({
	plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
	test: {
		include: ["src/**/*.test.ts", "test/**/*.test.ts"],
		globalSetup: ["./test/global-setup.ts"],
		exclude: ["test/e2e/**"],
		testTimeout: 20_000,
		silent: "passed-only",
	},
});
