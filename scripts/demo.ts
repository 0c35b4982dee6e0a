/**
 * `npm run demo`: hookfan end to end in one command, for a newcomer.
 *
 * It creates a tenant, one source per provider and one subscription pointing at a small subscriber
 * running in this process, then posts one realistic webhook per provider, signed exactly as that
 * provider signs it. The subscriber checks every delivery's Standard Webhooks signature with the
 * `standardwebhooks` package, as any subscriber would, and the demo prints what arrived.
 *
 * Which gateway: `--url <url>` (or HOOKFAN_URL) if given; else `npm run dev` when a hookfan answers on
 * localhost port 8787, 8788 or 8789 (a second `wrangler dev` takes the next free port), with
 * ADMIN_TOKEN from the environment, default `dev-admin-token`, as `npm run dev` sets it; else a
 * `wrangler dev` of its own on `--port` (default: a free port), with a random admin token and
 * throwaway state, stopped at the end. `--timeout <s>` bounds the wait (20 s).
 *
 * On a running gateway it leaves its tenant behind, so the printed key works in the console and the
 * API; the subscription pointed at this process, so the demo pauses it on the way out.
 *
 * Runs on Node 22 with type stripping: `node --experimental-strip-types scripts/demo.ts`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Webhook } from "standardwebhooks";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WRANGLER = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const DEV_URL = "http://localhost:8787";
/** Where `npm run dev` answers: 8787, or the next ports wrangler takes when that one is busy. */
const DEV_PORTS = [8787, 8788, 8789];
const CCAI_CLIENT_ID = "1231";
/** What to undo on the way out, newest first: registered as soon as there is something to undo. */
const cleanups: (() => Promise<void> | void)[] = [];

type Json = Record<string, unknown>;
interface Gateway {
	url: string;
	adminToken: string;
	/** Ours: started by this script, so it is stopped (and its state deleted) at the end. */
	ours: boolean;
	stop(): Promise<void>;
}
interface SignedRequest {
	body: string;
	headers: Record<string, string>;
}
/** One provider: its source configuration, and a sample request signed the way the provider signs it. */
interface Sample {
	provider: string;
	config: Json;
	sign(secret: string): SignedRequest;
}
/** The envelope fields the demo prints (src/schema/envelope.ts has the whole schema). */
interface Envelope {
	id: string;
	type: string;
	provider: string;
	sequence: number;
	data: Record<string, string | null>;
}

const hmac = (key: string, text: string, encoding: "hex" | "base64") =>
	createHmac("sha256", key).update(text).digest(encoding);
const jsonRequest = (payload: Json, headers: Record<string, string> = {}): SignedRequest => ({
	body: JSON.stringify(payload),
	headers: { "content-type": "application/json", ...headers },
});
const unixNow = () => String(Math.floor(Date.now() / 1000));
/** VoIPbin's timestamp format: "YYYY-MM-DD HH:MM:SS.ffffff", UTC without a zone. */
const voipbinTime = (ms: number) => `${new Date(ms).toISOString().replace("T", " ").slice(0, 23)}000`;

const SAMPLES: Sample[] = [
	{
		// RapidPro signs nothing: the flow's Call Webhook action carries the source's secret as a token.
		provider: "rapidpro",
		config: { provider: "rapidpro" },
		sign: (secret) => {
			const channel = { uuid: "61602f3e-f603-4c70-8a8f-c477505bf4bf", name: "Twilio" };
			const msg = { uuid: randomUUID(), urn: "tel:+12065551212", channel, text: "JOIN choir", attachments: [] };
			const event = { type: "msg_received", created_on: new Date().toISOString(), step_uuid: randomUUID(), msg };
			return jsonRequest(event, { authorization: `Token ${secret}`, "user-agent": "RapidProMailroom/9.3.0" });
		},
	},
	{
		// CCAI signs "{client_id}:{eventHash}", not the body; the client id lives in the source's config.
		provider: "cloudcontactai",
		config: { provider: "cloudcontactai", client_id: CCAI_CLIENT_ID },
		sign: (secret) => {
			const eventHash = randomBytes(16).toString("hex");
			const data = { SmsSid: 0, MessageStatus: "RECEIVED", To: "+15550009999", From: "+15550002222" };
			const event = { eventType: "message.incoming", data: { ...data, Message: "Yes, book me in" }, eventHash };
			return jsonRequest(event, { "x-ccai-signature": hmac(secret, `${CCAI_CLIENT_ID}:${eventHash}`, "base64") });
		},
	},
	{
		// Telerivet posts form fields, not JSON, and proves itself with Basic auth `telerivet:<secret>`.
		provider: "telerivet",
		config: { provider: "telerivet" },
		sign: (secret) => {
			const fields = { event: "incoming_message", id: `SM${randomBytes(8).toString("hex")}`, message_type: "sms" };
			const message = { content: "Is the clinic open on Saturday?", from_number: "(650) 555-0123" };
			const numbers = { from_number_e164: "+16505550123", to_number: "+16505550199", time_created: unixNow() };
			const ids = { contact_id: "CTa1b2c3d4e5f6a7b8", phone_id: "PN0a1b2c3d4e5f6a7b", project_id: "PJ9f8e7" };
			return {
				body: new URLSearchParams({ ...fields, ...message, ...numbers, ...ids }).toString(),
				headers: {
					"content-type": "application/x-www-form-urlencoded",
					authorization: `Basic ${Buffer.from(`telerivet:${secret}`).toString("base64")}`,
				},
			};
		},
	},
	{
		// Voxsig (Chatwoot) signs "{timestamp}.{body}"; the gateway refuses timestamps over 5 min off.
		provider: "voxsig",
		// Chatwoot generates the secret; a real setup copies it from Chatwoot into the source.
		config: { provider: "voxsig", secret: "demo-secret-copied-from-chatwoot" },
		sign: (secret) => {
			const contact = { id: 14, name: "Jane Doe", phone_number: "+15550001111", type: "contact" };
			const message = { event: "message_created", id: 118, content: "My order has not arrived", private: false };
			const req = jsonRequest({
				...message,
				created_at: new Date().toISOString(),
				message_type: "incoming",
				sender: { id: 14, name: "Jane Doe", type: "contact" },
				inbox: { id: 1, name: "Acme Support" },
				conversation: { id: 10, inbox_id: 1, status: "open", meta: { sender: contact } },
				account: { id: 1, name: "Acme Inc" },
			});
			const timestamp = unixNow();
			req.headers["x-chatwoot-signature"] = `sha256=${hmac(secret, `${timestamp}.${req.body}`, "hex")}`;
			req.headers["x-chatwoot-timestamp"] = timestamp;
			req.headers["x-chatwoot-delivery"] = randomUUID();
			return req;
		},
	},
	{
		// VoIPbin signs the raw body: no timestamp, no event id.
		provider: "voipbin",
		// VoIPbin generates the secret; a real setup copies it from VoIPbin into the source.
		config: { provider: "voipbin", secret: "demo-secret-copied-from-voipbin" },
		sign: (secret) => {
			const now = Date.now();
			const parties = {
				source: { type: "tel", target: "+15550001111" },
				destination: { type: "tel", target: "+15550002222" },
			};
			const times = { tm_create: voipbinTime(now - 65_000), tm_update: voipbinTime(now), tm_hangup: voipbinTime(now) };
			const call = { id: randomUUID(), status: "hangup", direction: "incoming", ...parties, hangup_reason: "normal" };
			const req = jsonRequest({ type: "call_hungup", data: { ...call, ...times } });
			req.headers["x-voipbin-signature"] = `sha256=${hmac(secret, req.body, "hex")}`;
			return req;
		},
	},
];

/** Calls the gateway's API; a non-2xx answer becomes an error naming the call, the problem and a hint. */
async function api(gw: Gateway, token: string, method: string, path: string, body?: Json): Promise<Json> {
	const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
	const res = await fetch(`${gw.url}${path}`, { method, headers, body: body && JSON.stringify(body) });
	const answer = (await res.json().catch(() => ({}))) as Json;
	if (res.ok) return answer;
	let hint = "";
	if (res.status === 401 && path === "/v1/tenants")
		hint = "\n  The gateway has another ADMIN_TOKEN: run the demo with the one `npm run dev` got.";
	if (answer.code === "invalid_target")
		hint = "\n  The gateway refuses http://127.0.0.1 subscribers: run it with ALLOW_INSECURE_TARGETS=true.";
	throw new Error(
		`${method} ${path} answered ${res.status} ${answer.code ?? ""}: ${answer.detail ?? answer.title}${hint}`,
	);
}

async function answersHealth(url: string): Promise<boolean> {
	try {
		// Generous: a running `npm run dev` may be reloading (wrangler restarts it when files change).
		const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(8000) });
		return res.ok && ((await res.json()) as Json).ok === true;
	} catch {
		return false;
	}
}

/** Whether a hookfan (not some other server with a health check) answers at `url`. */
async function isHookfan(url: string): Promise<boolean> {
	if (!(await answersHealth(url))) return false;
	try {
		const res = await fetch(`${url}/openapi.json`, { signal: AbortSignal.timeout(8000) });
		return ((await res.json()) as { info?: { title?: string } }).info?.title === "hookfan";
	} catch {
		return false;
	}
}

/** The first `npm run dev` answering on one of DEV_PORTS, or null. */
async function runningDev(): Promise<string | null> {
	for (const port of DEV_PORTS) {
		const url = `http://localhost:${port}`;
		if (await isHookfan(url)) return url;
	}
	return null;
}

/** A free loopback port: listen on 0, note the port, close. */
async function freePort(): Promise<number> {
	const server = createServer().listen(0, "127.0.0.1");
	await new Promise((r) => server.once("listening", r));
	const { port } = server.address() as AddressInfo;
	await new Promise((r) => server.close(r));
	return port;
}

/** Starts `wrangler dev` with a random admin token and throwaway state, and waits until it answers. */
async function startWrangler(port: number): Promise<Gateway> {
	const dir = mkdtempSync(join(tmpdir(), "hookfan-demo-"));
	const adminToken = randomBytes(24).toString("hex");
	const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", "0", "--persist-to", dir];
	args.push("--var", `ADMIN_TOKEN:${adminToken}`, "--var", "ALLOW_INSECURE_TARGETS:true");
	console.log(
		`Starting wrangler dev on port ${port} (no \`npm run dev\` answers on ${DEV_URL}; takes a few seconds)...`,
	);
	// Its own process group, so that stopping it also stops the workerd it spawns.
	const child: ChildProcess = spawn(process.execPath, [WRANGLER, ...args], {
		cwd: ROOT,
		detached: true,
		stdio: ["ignore", "pipe", "pipe"],
		env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
	});
	let log = "";
	const keep = (d: Buffer) => {
		log = (log + d.toString()).slice(-8000);
	};
	child.stdout?.on("data", keep);
	child.stderr?.on("data", keep);
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			const exited = new Promise((r) => child.once("exit", r));
			process.kill(-(child.pid ?? 0), "SIGTERM");
			const timer = setTimeout(() => process.kill(-(child.pid ?? 0), "SIGKILL"), 5000);
			await exited;
			clearTimeout(timer);
		}
		rmSync(dir, { recursive: true, force: true });
	};
	cleanups.unshift(stop);
	const url = `http://127.0.0.1:${port}`;
	for (const until = Date.now() + 90_000; Date.now() < until && child.exitCode === null; ) {
		if (await answersHealth(url)) return { url, adminToken, ours: true, stop };
		await new Promise((r) => setTimeout(r, 500));
	}
	throw new Error(`wrangler dev did not come up on port ${port}. Its output:\n${log}`);
}

async function findGateway(opts: { url?: string | undefined; port?: string | undefined }): Promise<Gateway> {
	const adminToken = process.env.ADMIN_TOKEN || "dev-admin-token";
	const url = opts.url ?? process.env.HOOKFAN_URL ?? (opts.port ? null : await runningDev());
	if (url) return { url: url.replace(/\/$/, ""), adminToken, ours: false, stop: async () => {} };
	return startWrangler(opts.port ? Number(opts.port) : await freePort());
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString("utf8");
}

/** One aligned line per delivery: sequence, provider, canonical type, who, what. */
function describe(e: Envelope): string {
	const who = `${e.data.from ?? "-"} -> ${e.data.to ?? "-"}`;
	const what = e.data.text != null ? `"${e.data.text}"` : `${e.data.status} (${e.data.hangup_reason})`;
	return `#${e.sequence}  ${e.provider.padEnd(15)} ${e.type.padEnd(17)} ${who.padEnd(32)} ${what.padEnd(34)}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<number> {
	const options = { url: { type: "string" }, port: { type: "string" }, timeout: { type: "string" } } as const;
	const { values } = parseArgs({ options });
	const timeoutMs = Number(values.timeout ?? 20) * 1000;

	// The subscriber listens first: the subscription needs its URL. The secret comes with the subscription.
	let secret = "";
	const arrived: Envelope[] = [];
	const rejected: string[] = [];
	const subscriber = createServer(async (req, res) => {
		const body = await readBody(req);
		const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
		try {
			// Throws unless webhook-signature is the HMAC of "{webhook-id}.{webhook-timestamp}.{body}" under
			// the secret, and webhook-timestamp is within 5 minutes of now.
			const envelope = new Webhook(secret).verify(body, headers) as Envelope;
			// A retry carries the same webhook-id (the event id): subscribers dedupe on it.
			if (!arrived.some((e) => e.id === envelope.id)) arrived.push(envelope);
			res.writeHead(204).end();
		} catch (err) {
			rejected.push(`${headers["webhook-id"]}: ${(err as Error).message}`);
			res.writeHead(400).end();
		}
	});
	await new Promise((r) => subscriber.listen(0, "127.0.0.1", () => r(null)));
	const hookUrl = `http://127.0.0.1:${(subscriber.address() as AddressInfo).port}/hooks`;

	cleanups.unshift(() => void subscriber.close());
	// Ctrl-C (or a test runner's SIGTERM) still stops the wrangler dev we started: it is in its own group.
	const cleanup = async () => {
		for (const undo of cleanups.splice(0)) await undo();
	};
	for (const [signal, code] of [
		["SIGINT", 130],
		["SIGTERM", 143],
	] as const) {
		process.once(signal, () => void cleanup().finally(() => process.exit(code)));
	}
	try {
		const gw = await findGateway(values);
		const tenant = `demo-${randomBytes(3).toString("hex")}`;
		const created = await api(gw, gw.adminToken, "POST", "/v1/tenants", { id: tenant }).catch((err: Error) => {
			if (err.message.includes("fetch failed")) throw new Error(`nothing answers at ${gw.url} (${err.cause})`);
			throw err;
		});
		const apiKey = String(created.api_key);
		console.log(`\nGateway      ${gw.url}  (${gw.ours ? "wrangler dev started by this demo" : "already running"})`);
		console.log(`Subscriber   ${hookUrl}  (in this process)`);
		// The whole key: it is the user's own local tenant, and the console and `/v1` need it.
		console.log(`Tenant       ${tenant}`);
		console.log(`API key      ${apiKey}`);

		const sources = [];
		for (const sample of SAMPLES) {
			const src = await api(gw, apiKey, "PUT", `/v1/sources/${sample.provider}`, sample.config);
			sources.push({ sample, secret: String(src.secret), ingestUrl: String(src.ingest_url) });
		}
		console.log(`Sources      ${SAMPLES.map((s) => s.provider).join(", ")}  (secrets generated)`);
		const sub = await api(gw, apiKey, "POST", "/v1/subscriptions", { url: hookUrl, event_types: ["*"] });
		secret = String(sub.secret);
		console.log(`Subscription ${sub.id}  (every event type, to the subscriber)`);

		console.log("\n1. Each provider posts one webhook, signed its own way:");
		for (const { sample, secret: sourceSecret, ingestUrl } of sources) {
			const res = await fetch(ingestUrl, { method: "POST", ...sample.sign(sourceSecret) });
			const answer = (await res.json()) as Json;
			const path = new URL(ingestUrl).pathname;
			console.log(`  ${sample.provider.padEnd(15)} POST ${path.padEnd(34)} ${res.status} ${answer.id ?? answer.code}`);
			if (!res.ok)
				throw new Error(`the gateway refused the ${sample.provider} webhook: ${answer.detail ?? answer.title}`);
		}

		console.log("\n2. The subscriber receives them normalized and signed by hookfan (Standard Webhooks):");
		// Print deliveries as they arrive (in sequence order: the subscription is ordered) until all are in.
		let shown = 0;
		const show = () => {
			for (; shown < arrived.length; shown++)
				console.log(`  ${describe(arrived[shown] as Envelope)} signature verified`);
		};
		const until = Date.now() + timeoutMs;
		while (arrived.length < SAMPLES.length && rejected.length === 0 && Date.now() < until) {
			show();
			await sleep(200);
		}
		show();
		if (rejected.length > 0) throw new Error(`a delivery failed signature verification: ${rejected[0]}`);
		if (arrived.length < SAMPLES.length) {
			const [count, missing] = [arrived.length, SAMPLES.filter((s) => !arrived.some((e) => e.provider === s.provider))];
			const state = await api(gw, apiKey, "GET", `/v1/subscriptions/${sub.id}`).catch(() => ({}) as Json);
			throw new Error(
				`timed out after ${timeoutMs / 1000} s: ${count} of ${SAMPLES.length} deliveries arrived (missing: ${missing.map((s) => s.provider).join(", ")}).` +
					`\n  The subscription's delivery state: ${JSON.stringify(state.state ?? "unknown")}`,
			);
		}

		// One envelope in full, a key a line: what every subscriber gets, whatever the provider.
		console.log("\nOne envelope in full (`raw` keeps the provider's payload as it came):");
		const example = arrived.find((e) => e.provider === "voipbin") ?? {};
		for (const [key, value] of Object.entries(example)) console.log(`  ${key.padEnd(14)} ${JSON.stringify(value)}`);

		console.log(
			`\nAll ${SAMPLES.length} webhooks were proven authentic, normalized, logged and delivered, and every delivery verified.`,
		);
		if (gw.ours) {
			console.log(
				"\nThis gateway stops now and its state is deleted, so the key above stops working. To keep the" +
					"\ntenant and look at it in the console, run `npm run dev` in another terminal and then `npm run demo`" +
					"\nagain: the demo uses that gateway (or any other one: `npm run demo -- --url http://localhost:8790`).",
			);
		} else {
			// Its subscriber stops with this process: paused, the subscription keeps future events instead of
			// failing them against a closed port.
			await api(gw, apiKey, "POST", `/v1/subscriptions/${sub.id}/pause`);
			console.log(`\nLeft behind on ${gw.url}: tenant ${tenant}, its 5 sources, the 5 events, and subscription`);
			console.log(`${sub.id}, paused (its subscriber was this process). Look at them:`);
			console.log(`  console  ${gw.url}/console  (sign in with the API key above)`);
			console.log(`  API      curl -s ${gw.url}/v1/events -H 'authorization: Bearer ${apiKey}'`);
			console.log(
				`Remove them: curl -X DELETE ${gw.url}/v1/tenants/${tenant} -H 'authorization: Bearer ${gw.adminToken}'`,
			);
			console.log(`The API reference: ${gw.url}/docs.`);
		}
		return 0;
	} catch (err) {
		console.error(`\nDemo failed: ${(err as Error).message}`);
		return 1;
	} finally {
		await cleanup();
	}
}

process.exitCode = await main();
