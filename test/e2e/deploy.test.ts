/**
 * `npm run deploy` against a stub `wrangler` (a script first on PATH that logs its arguments): it
 * creates the queues that are missing, uploads ADMIN_TOKEN with the deployment when the Worker has
 * none, leaves the KV namespace to wrangler's automatic provisioning, and says what it created.
 */
import { execFile } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const DEPLOY = join(process.cwd(), "scripts", "deploy.mjs");

/** hookfan-events exists, hookfan-deliveries does not; no secrets yet; deploy provisions the KV id. */
const STUB = `#!/usr/bin/env bash
echo "wrangler $*" >> "$STUB_LOG"
case "$1 $2" in
  "queues info") [ "$3" = "hookfan-events" ] && exit 0 || { echo "not found" >&2; exit 1; } ;;
  "queues create") echo "Created queue $3"; exit 0 ;;
  "secret list") echo "[]"; exit 0 ;;
esac
if [ "$1" = "deploy" ]; then
  while [ $# -gt 0 ]; do
    if [ "$1" = "--secrets-file" ]; then echo "secrets $(cat "$2")" >> "$STUB_LOG"; fi
    shift
  done
  sed -i 's/^binding = "CONFIG"$/binding = "CONFIG"\\nid = "0123456789abcdef0123456789abcdef"/' wrangler.toml
  echo "Deployed hookfan"; exit 0
fi
exit 0
`;

describe("npm run deploy", () => {
	it("creates what is missing (a queue, ADMIN_TOKEN), lets wrangler provision KV, and says what it created", async () => {
		const dir = mkdtempSync(join(tmpdir(), "hookfan-deploy-test-"));
		const bin = join(dir, "bin");
		await promisify(execFile)("mkdir", ["-p", bin]);
		writeFileSync(join(bin, "wrangler"), STUB);
		chmodSync(join(bin, "wrangler"), 0o755);
		copyFileSync("wrangler.toml", join(dir, "wrangler.toml"));
		const log = join(dir, "calls.log");

		const { stdout } = await promisify(execFile)(process.execPath, [DEPLOY, "--minify"], {
			cwd: dir,
			env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, STUB_LOG: log, ADMIN_TOKEN: "ops-chosen-token" },
			timeout: 30_000,
		});

		const calls = readFileSync(log, "utf8").trim().split("\n");
		expect(calls.slice(0, 4)).toEqual([
			"wrangler queues info hookfan-events",
			"wrangler queues info hookfan-deliveries",
			"wrangler queues create hookfan-deliveries",
			"wrangler secret list --format json",
		]);
		expect(calls[4]).toMatch(/^wrangler deploy --minify --secrets-file \S+secrets\.json$/);
		expect(calls[5]).toBe('secrets {"ADMIN_TOKEN":"ops-chosen-token"}');
		expect(stdout).toContain(
			"Created: queue hookfan-deliveries; secret ADMIN_TOKEN; KV namespace for CONFIG (its id is now in wrangler.toml).",
		);
		expect(stdout).not.toContain("ops-chosen-token");
	});
});
