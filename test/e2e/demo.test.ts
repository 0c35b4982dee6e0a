/**
 * `npm run demo` works for a newcomer: with no gateway running it starts its own `wrangler dev`,
 * gets one signed webhook from each provider through it, sees every delivery arrive with a valid
 * Standard Webhooks signature, exits 0 and leaves no gateway behind.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

// Its own port: restart.test.ts uses 18787. Passing --port also makes the demo start its own gateway
// even when a developer's `npm run dev` answers on 8787.
const PORT = 18797;
const PROVIDERS = ["rapidpro", "cloudcontactai", "telerivet", "voxsig", "voipbin"];

async function runDemo(): Promise<{ code: number; output: string }> {
	const { HOOKFAN_URL: _url, ADMIN_TOKEN: _token, ...env } = process.env;
	const args = ["--experimental-strip-types", "--disable-warning=ExperimentalWarning", "scripts/demo.ts"];
	try {
		// SIGTERM on timeout: the demo stops its wrangler dev before exiting.
		const { stdout, stderr } = await promisify(execFile)(process.execPath, [...args, "--port", String(PORT)], {
			env,
			timeout: 150_000,
		});
		return { code: 0, output: stdout + stderr };
	} catch (err) {
		const e = err as { code?: number; stdout?: string; stderr?: string };
		return { code: typeof e.code === "number" ? e.code : -1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
	}
}

describe("npm run demo, with no gateway running", () => {
	it("delivers one verified, normalized event per provider and stops its gateway", async () => {
		const { code, output } = await runDemo();

		expect(code, output).toBe(0);
		expect(output).toContain("wrangler dev started by this demo");
		for (const provider of PROVIDERS) {
			expect(output, provider).toMatch(new RegExp(`POST /in/demo-[0-9a-f]+/${provider} +200 evt_`));
			expect(output, provider).toMatch(
				new RegExp(`#\\d+ +${provider} +(message\\.received|call\\.hangup) .*signature verified`),
			);
		}
		expect(output).toMatch(/All 5 webhooks were proven authentic/);
		await expect(fetch(`http://127.0.0.1:${PORT}/healthz`)).rejects.toThrow();
	});
});
