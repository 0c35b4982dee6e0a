/**
 * Where an ingest request's time goes besides CPU, inside workerd with the local simulators: the
 * latency of each I/O stage, one request at a time. Part of `npm run bench` (the same config as
 * bench/cpu.ts). Local KV and Durable Object storage are simulators on this machine (SQLite on
 * disk), so these numbers locate costs on this machine; they are not production latencies.
 *
 * Each row is the mean over `ioRequests` sequential calls (total elapsed / calls): the clock's 1 ms
 * resolution makes single-call percentiles meaningless below a millisecond.
 */
import { env, SELF } from "cloudflare:test";
import { describe, inject, it } from "vitest";
import { utf8 } from "../src/crypto/bytes";
import { eventId } from "../src/ids";
import { parseBody } from "../src/normalize/body";
import { providerOf, SourceConfigSchema } from "../src/providers";
import type { PendingEnvelope } from "../src/schema/envelope";
import { RESULT_MARK } from "./bench-types";
import { BENCH_SOURCES, BENCH_TENANT, type BenchProvider, benchPayload, signedRequest } from "./payloads";
import { fixed, markdownTable } from "./stats";

const settings = inject("cpuBench");
/** An HMAC provider and the token provider, the two ends of verification cost. */
const PROVIDERS: BenchProvider[] = ["voipbin", "rapidpro"];

async function meanMs(calls: number, fn: (i: number) => Promise<unknown>): Promise<number> {
	for (let i = 0; i < Math.min(20, calls); i++) await fn(-1 - i); // warm-up
	const t0 = performance.now();
	for (let i = 0; i < calls; i++) await fn(i);
	return (performance.now() - t0) / calls;
}

/** What ingest hands the Durable Object for VoIPbin event `n`: the normalized envelope and its dedupe key. */
function appendInput(n: number) {
	const { id, config } = BENCH_SOURCES.voipbin;
	const source = SourceConfigSchema.parse(config);
	const spec = providerOf(source);
	const parsed = parseBody(utf8(JSON.stringify(benchPayload("voipbin", n))), spec.format);
	if (!parsed.ok) throw new Error(parsed.detail);
	const result = spec.normalize({ body: parsed.body, headers: new Headers() }, source);
	if (!result.ok) throw new Error(JSON.stringify(result.issues));
	const { dedupe_key, ...event } = result.event;
	const now = Date.now();
	const envelope: PendingEnvelope = {
		id: eventId(now),
		tenant: BENCH_TENANT,
		source: id,
		provider: source.provider,
		...event,
		received_at: new Date(now).toISOString(),
	};
	return { envelope, dedupe_key: dedupe_key ?? `bench:${envelope.id}` };
}

/** Posts VoIPbin or RapidPro event `n`, spoiled as `spoil` says, and checks the status. */
async function post(provider: BenchProvider, n: number, spoil: "none" | "body" | "signature" = "none"): Promise<void> {
	const req = await signedRequest(provider, n, Math.floor(Date.now() / 1000));
	const headers =
		spoil === "signature" ? { ...req.headers, "x-voipbin-signature": `sha256=${"0".repeat(64)}` } : req.headers;
	const body = spoil === "body" ? `x${req.body}` : req.body;
	const url = `https://hookfan.test/in/${BENCH_TENANT}/${BENCH_SOURCES[provider].id}${req.query ?? ""}`;
	const res = await SELF.fetch(url, { method: "POST", headers, body });
	const text = await res.text();
	const expected = { none: 200, body: 400, signature: 401 }[spoil];
	if (res.status !== expected) throw new Error(`${provider}: expected ${expected}, got ${res.status} ${text}`);
}

/** What readSource (src/source-store.ts) does; that module needs the Workers types the Node type-check lacks. */
async function readSource(id: string): Promise<unknown> {
	const value = await env.CONFIG.get(`source:${BENCH_TENANT}:${id}`, { type: "json", cacheTtl: 60 });
	return SourceConfigSchema.parse(value);
}

describe("I/O stages of ingest (sequential, local simulators)", () => {
	it("measures KV read, Durable Object append and whole requests", async () => {
		const calls = settings.ioRequests;
		for (const provider of PROVIDERS) {
			const { id, config } = BENCH_SOURCES[provider];
			await env.CONFIG.put(`source:${BENCH_TENANT}:${id}`, JSON.stringify(config));
		}
		// One Durable Object per measurement keeps each log's size the same for every row.
		const stub = (name: string) => env.TENANT.getByName(`${BENCH_TENANT}-${name}`);
		let n = 1_000_000;
		const rows: [string, number][] = [
			[
				"GET /healthz through the worker (no-op)",
				await meanMs(calls, () => SELF.fetch("https://hookfan.test/healthz").then((r: Response) => r.text())),
			],
			["KV read + source re-parse (readSource)", await meanMs(calls, () => readSource("vb"))],
			["Durable Object RPC, read-only (listSubscriptions)", await meanMs(calls, () => stub("rpc").listSubscriptions())],
			[
				"Durable Object append (new event, no subscriptions)",
				await meanMs(calls, () => stub("append").append(appendInput(n++))),
			],
		];
		rows.push([
			"POST /in (voipbin), malformed body: 400 after the KV read and body read, nothing logged",
			await meanMs(calls, () => post("voipbin", n++, "body")),
		]);
		rows.push([
			"POST /in (voipbin), wrong signature: 401 after also parse + HMAC, and a warning logged",
			await meanMs(calls, () => post("voipbin", n++, "signature")),
		]);
		for (const provider of PROVIDERS) {
			rows.push([
				`POST /in (${provider}) through the worker, accepted`,
				await meanMs(calls, () => post(provider, n++)),
			]);
		}
		const markdown = [
			`Latency of ingest's I/O stages in workerd with local KV and Durable Objects, one call at a time; mean of ${calls}`,
			"sequential calls each (after 20 warm-up calls). Through the worker means SELF.fetch: no HTTP server or proxy.",
			"The append row includes building its input (a normalize and a ULID, a few µs). The gateway logs one line per",
			"accepted or rejected request; the vitest pool forwards each to Node, which the 400 and 401 rows bracket.",
			"",
			markdownTable(
				["stage", "mean ms"],
				rows.map(([stage, ms]) => [stage, fixed(ms, 3)]),
			),
		].join("\n");
		console.log(RESULT_MARK + JSON.stringify({ name: "io-stages", markdown, settings, rows }));
	});
});
