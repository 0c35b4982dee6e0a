#!/usr/bin/env node
/**
 * `npm run deploy`: everything a first deployment needs, then `wrangler deploy`; says what it created.
 *
 * - The KV namespace: wrangler provisions it itself, since the binding in wrangler.toml has no id
 *   (automatic provisioning, on by default since wrangler 4.45), and writes the id back.
 * - The queues wrangler.toml names: `wrangler queues info`, and `wrangler queues create` for any absent.
 * - ADMIN_TOKEN: when the Worker has no such secret yet, asked once (Enter generates one; without a
 *   terminal, $ADMIN_TOKEN or a generated one) and uploaded with the deployment (`--secrets-file`).
 *
 * Extra arguments go to `wrangler deploy`. `wrangler` comes from PATH (node_modules/.bin in npm scripts).
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline/promises";

const CONFIG = "wrangler.toml";
const created = [];

/** Runs wrangler; `quiet` captures its output instead of showing it. */
function wrangler(args, { quiet = false } = {}) {
	const res = spawnSync("wrangler", args, { stdio: quiet ? "pipe" : "inherit", encoding: "utf8" });
	if (res.error) throw new Error(`could not run wrangler: ${res.error.message}`);
	return { ok: res.status === 0, stdout: res.stdout ?? "" };
}

/** The queue names wrangler.toml uses, producers and consumers alike. */
function configuredQueues(toml) {
	return [...new Set([...toml.matchAll(/^\s*queue\s*=\s*"([^"]+)"/gm)].map((m) => m[1]))];
}

async function askAdminToken() {
	if (process.stdin.isTTY) {
		const rl = createInterface({ input: process.stdin, output: process.stdout });
		const answer = (await rl.question("ADMIN_TOKEN for this deployment (Enter generates one): ")).trim();
		rl.close();
		if (answer) return { token: answer, generated: false };
	} else if (process.env.ADMIN_TOKEN) {
		return { token: process.env.ADMIN_TOKEN, generated: false };
	}
	return { token: randomBytes(24).toString("base64url"), generated: true };
}

/** Whether the deployed Worker already has the secret; a Worker not yet deployed has none. */
function hasSecret(name) {
	const res = wrangler(["secret", "list", "--format", "json"], { quiet: true });
	if (!res.ok) return false;
	try {
		return JSON.parse(res.stdout).some((s) => s.name === name);
	} catch {
		return false;
	}
}

for (const queue of configuredQueues(readFileSync(CONFIG, "utf8"))) {
	if (wrangler(["queues", "info", queue], { quiet: true }).ok) continue;
	if (!wrangler(["queues", "create", queue]).ok) throw new Error(`wrangler queues create ${queue} failed`);
	created.push(`queue ${queue}`);
}

const deployArgs = ["deploy", ...process.argv.slice(2)];
let secretsDir = null;
let generatedToken = null;
if (!hasSecret("ADMIN_TOKEN")) {
	const { token, generated } = await askAdminToken();
	secretsDir = mkdtempSync(join(tmpdir(), "hookfan-deploy-"));
	const file = join(secretsDir, "secrets.json");
	writeFileSync(file, JSON.stringify({ ADMIN_TOKEN: token }), { mode: 0o600 });
	deployArgs.push("--secrets-file", file);
	if (generated) generatedToken = token;
	created.push(`secret ADMIN_TOKEN${generated ? " (generated)" : ""}`);
}

const before = readFileSync(CONFIG, "utf8");
let deployed;
try {
	deployed = wrangler(deployArgs);
} finally {
	if (secretsDir) rmSync(secretsDir, { recursive: true, force: true });
}
if (!deployed.ok) {
	console.error("hookfan: wrangler deploy failed (above). Created before it failed:", created.join(", ") || "nothing");
	process.exit(1);
}
// Automatic provisioning writes the new namespace's id into the config.
if (readFileSync(CONFIG, "utf8") !== before) created.push(`KV namespace for CONFIG (its id is now in ${CONFIG})`);

console.log(`\nhookfan deployed. Created: ${created.length ? created.join("; ") : "nothing (all present)"}.`);
if (generatedToken) console.log(`ADMIN_TOKEN (shown once; store it): ${generatedToken}`);
console.log("Next: POST /v1/tenants with the admin token (the landing page at / links the API reference).");
