/**
 * A newcomer's first hour against a real `wrangler dev`, as a shell user sees it: the landing page at
 * `/`, `npm run demo` against the running gateway printing a key that works, `npm run receiver`
 * showing verified deliveries, `npm run dev` refusing a busy port in one line, and mistakes answered
 * with help (a mistyped event type, the wrong credential, a wrong content type).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "./api";
import { type DevServer, startDev, stateDir } from "./dev-server";

const PORT = 18801;
const RECEIVER_PORT = 18802;
const ADMIN = "first-hour-admin";
const STRIP = ["--experimental-strip-types", "--disable-warning=ExperimentalWarning"];

let server: DevServer;
const children: ChildProcess[] = [];

beforeAll(async () => {
	server = await startDev(PORT, stateDir(), { ADMIN_TOKEN: ADMIN });
});

afterAll(async () => {
	for (const child of children) child.kill();
	await server?.kill();
});

describe("the first hour", () => {
	it("answers / with a landing page linking the console, the docs, the OpenAPI document and health", async () => {
		const res = await fetch(`${server.url}/`);
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toContain("text/html");
		const page = await res.text();
		expect(page).toMatch(/<h1>hookfan \d+\.\d+\.\d+<\/h1>/);
		expect(page).toContain("running locally");
		for (const link of ["/console", "/docs", "/openapi.json", "/healthz"]) expect(page).toContain(`href="${link}"`);
		expect(page).toContain("npm run demo");
	});

	it("npm run demo on a running gateway prints a whole API key that works, the console and what it left", async () => {
		const { stdout } = await promisify(execFile)(process.execPath, [...STRIP, "scripts/demo.ts", "--url", server.url], {
			env: { ...process.env, ADMIN_TOKEN: ADMIN },
			timeout: 120_000,
		});
		expect(stdout).toContain("already running");
		const key = /^API key +(hf_[A-Za-z0-9_-]{43})$/m.exec(stdout)?.[1];
		expect(key, stdout).toBeDefined();
		expect(stdout).toContain(`${server.url}/console`);
		expect(stdout).toMatch(/Left behind .*tenant demo-[0-9a-f]+/);
		const events = await request<{ data: unknown[] }>(server.url, key ?? "", "GET", "/v1/events");
		expect(events.data).toHaveLength(5);
		const subs = await request<{ data: { status: string }[] }>(server.url, key ?? "", "GET", "/v1/subscriptions");
		expect(subs.data.map((s) => s.status)).toEqual(["paused"]);
	});

	it("npm run receiver prints each delivery, verified with the subscription's secret", async () => {
		const { api_key: key } = await request<{ api_key: string }>(server.url, ADMIN, "POST", "/v1/tenants", {
			id: "walk",
		});
		const src = await request<{ ingest_url: string }>(server.url, key, "PUT", "/v1/sources/vb", {
			provider: "voipbin",
			secret: "my-voipbin-secret",
		});
		const sub = await request<{ secret: string }>(server.url, key, "POST", "/v1/subscriptions", {
			url: `http://127.0.0.1:${RECEIVER_PORT}/hooks`,
			event_types: ["call.*"],
		});
		const receiver = spawn(
			process.execPath,
			[...STRIP, "scripts/receiver.ts", "--port", String(RECEIVER_PORT), "--secret", sub.secret],
			{ stdio: ["ignore", "pipe", "pipe"] },
		);
		children.push(receiver);
		let out = "";
		receiver.stdout?.on("data", (d: Buffer) => {
			out += d.toString();
		});
		await expect.poll(() => out, { timeout: 15_000 }).toContain("Receiving deliveries");

		const body = JSON.stringify({
			type: "call_hungup",
			data: { id: "call-1", status: "hangup", direction: "incoming", hangup_reason: "normal" },
		});
		const sig = createHmac("sha256", "my-voipbin-secret").update(body).digest("hex");
		const res = await fetch(src.ingest_url, {
			method: "POST",
			headers: { "content-type": "application/json", "x-voipbin-signature": `sha256=${sig}` },
			body,
		});
		expect(res.status).toBe(200);
		await expect.poll(() => out, { timeout: 20_000 }).toMatch(/#1 call\.hangup from vb +evt_\w+ +signature verified/);
		await expect.poll(() => out).toContain('"hangup_reason": "normal"');

		// Anything not signed with the secret is refused, and said so.
		await fetch(`http://127.0.0.1:${RECEIVER_PORT}/hooks`, { method: "POST", body: "{}" });
		await expect.poll(() => out).toMatch(/rejected: .*answered 400/);
	});

	it("npm run dev on a port in use says so in one line instead of moving to another port", async () => {
		const run = promisify(execFile)(process.execPath, ["scripts/dev.mjs", "--port", String(PORT)], {
			timeout: 30_000,
		});
		const failed = (await run.then(
			() => null,
			(err: unknown) => err,
		)) as { code: number; stdout: string; stderr: string } | null;
		expect(failed?.code).toBe(1);
		expect(failed?.stderr.trim().split("\n")).toEqual([
			`hookfan: port ${PORT} is in use (another npm run dev?). Use that one, or start another with its own port and state: npm run dev -- --port ${PORT + 1}`,
		]);
		expect(failed?.stdout).toBe("");
	});

	it("answers mistakes with help: a mistyped event type, the wrong credential, a wrong content type", async () => {
		const { api_key: key } = await request<{ api_key: string }>(server.url, ADMIN, "POST", "/v1/tenants", {
			id: "typo",
		});
		const call = (token: string | null, method: string, path: string, init: RequestInit = {}) =>
			fetch(`${server.url}${path}`, {
				method,
				...init,
				headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers ?? {}) },
			});
		const json = { "content-type": "application/json" };

		const typo = await call(key, "POST", "/v1/subscriptions", {
			headers: json,
			body: JSON.stringify({ url: "http://127.0.0.1:1/x", event_types: ["call.hangups"] }),
		});
		expect(typo.status).toBe(422);
		const problem = (await typo.json()) as { code: string; detail: string; unknown_event_types: unknown };
		expect(problem.code).toBe("unknown_event_type");
		expect(problem.detail).toContain('did you mean "call.hangup"');
		expect(problem.unknown_event_types).toEqual([
			{ pattern: "call.hangups", did_you_mean: expect.arrayContaining(["call.hangup"]) },
		]);

		const tenantKeyOnAdmin = await call(key, "GET", "/v1/tenants/typo");
		expect(tenantKeyOnAdmin.status).toBe(401);
		const adminDetail = ((await tenantKeyOnAdmin.json()) as { detail: string }).detail;
		expect(adminDetail).toContain("admin token");
		// The same words with no key at all: nothing tells how close a given token was.
		expect(((await (await call(null, "GET", "/v1/tenants/typo")).json()) as { detail: string }).detail).toBe(
			adminDetail,
		);
		const noKey = await call(null, "GET", "/v1/events");
		expect(((await noKey.json()) as { detail: string }).detail).toContain("tenant API key");

		const form = await call(key, "PUT", "/v1/sources/x", {
			headers: { "content-type": "text/plain" },
			body: "provider=rapidpro",
		});
		expect(form.status).toBe(415);
		expect(((await form.json()) as { detail: string }).detail).toContain("accepts application/json");
	});
});
