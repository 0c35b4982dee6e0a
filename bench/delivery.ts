/**
 * End-to-end delivery benchmarks on the real local runtime (`wrangler dev`): providers' requests in,
 * signed deliveries out to a subscriber in this Node process. Part of `npm run bench`; alone:
 * `npx vitest run -c bench/vitest.delivery.config.ts`.
 *
 * 1. Throughput and latency: BENCH_TENANTS (10) tenants x BENCH_EVENTS (1000) events, each tenant with
 *    one ordered and one unordered subscription to a sink that answers 200 at once. Events delivered
 *    per second, and p50/p99 from ingest's 200 to the sink receiving the event, per ordering.
 * 2. The same with a sink failing 30 % of attempts at random (retry schedule 20 x 1 s), at
 *    BENCH_FAILING_EVENTS (100) events per tenant: everything delivered, ordered ones in exact order.
 *    (Smaller, because every failure waits at least 1 s in an ordered lane.)
 * 3. Fan-out width: one event to 1, 10 and 50 subscriptions; time from the 200 until all have it
 *    (median of BENCH_WIDTH_ROUNDS (5)).
 */
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDev, stateDir } from "../test/e2e/dev-server";
import { writeResult } from "./results";
import { fixed, markdownTable, percentile } from "./stats";

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const TENANTS = num("BENCH_TENANTS", 10);
const EVENTS = num("BENCH_EVENTS", 1000);
const FAILING_EVENTS = num("BENCH_FAILING_EVENTS", 100);
const WIDTH_ROUNDS = num("BENCH_WIDTH_ROUNDS", 5);
const CONCURRENCY = num("BENCH_CONNECTIONS", 10);
const PORT = num("BENCH_PORT", 19160);
const ADMIN = "bench-admin";

/** What the sink saw: per subscription path, (event id, sequence, received at, status) in arrival order. */
const seen = new Map<string, { id: string; seq: number; at: number; status: number }[]>();
let sinkPort = 0;
let sink: Server;
let dev: DevServer;
/** When ingest answered 200, by event id. */
const acceptedAt = new Map<string, number>();

function startSink(): Promise<void> {
	sink = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (c: Buffer) => chunks.push(c));
		req.on("end", () => {
			const at = Date.now();
			const path = req.url ?? "";
			const failRate = path.startsWith("/flaky/") ? 0.3 : 0;
			const status = Math.random() < failRate ? 500 : 200;
			const envelope = JSON.parse(Buffer.concat(chunks).toString()) as { id: string; sequence: number };
			const list = seen.get(path) ?? [];
			list.push({ id: envelope.id, seq: envelope.sequence, at, status });
			seen.set(path, list);
			res.writeHead(status).end();
		});
	});
	return new Promise((resolve) => sink.listen(0, "127.0.0.1", () => resolve()));
}

async function api<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
	const res = await fetch(`${dev.url}${path}`, {
		method,
		headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
		...(body !== undefined ? { body: JSON.stringify(body) } : {}),
	});
	if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
	return (await res.json()) as T;
}

/** A tenant with a VoIPbin source and the given subscriptions; returns how to post to it. */
async function tenant(id: string, subs: { path: string; ordering: "ordered" | "unordered"; retry?: number[] }[]) {
	const { api_key } = await api<{ api_key: string }>(ADMIN, "POST", "/v1/tenants", { id });
	const source = await api<{ secret: string; ingest_url: string }>(api_key, "PUT", "/v1/sources/vb", {
		provider: "voipbin",
	});
	for (const s of subs) {
		await api(api_key, "POST", "/v1/subscriptions", {
			url: `http://127.0.0.1:${sinkPort}${s.path}`,
			ordering: s.ordering,
			...(s.retry ? { retry_schedule: s.retry } : {}),
		});
	}
	return async (n: number): Promise<{ sentAt: number }> => {
		const sentAt = Date.now();
		const body = JSON.stringify({ type: "call_created", data: { id: `${id}-${n}`, status: "ringing" } });
		const signature = `sha256=${createHmac("sha256", source.secret).update(body).digest("hex")}`;
		const res = await fetch(source.ingest_url, {
			method: "POST",
			headers: { "content-type": "application/json", "x-voipbin-signature": signature },
			body,
		});
		const answer = (await res.json()) as { id: string };
		if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
		acceptedAt.set(answer.id, Date.now());
		return { sentAt };
	};
}

/** Runs `jobs` with at most `limit` in flight. */
async function pool(jobs: (() => Promise<unknown>)[], limit: number): Promise<void> {
	let next = 0;
	await Promise.all(
		Array.from({ length: limit }, async () => {
			while (next < jobs.length) await (jobs[next++] as () => Promise<unknown>)();
		}),
	);
}

async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (!done()) {
		if (Date.now() > deadline) return false;
		await new Promise((r) => setTimeout(r, 100));
	}
	return true;
}

const delivered = (path: string) => (seen.get(path) ?? []).filter((r) => r.status === 200);
const latencies = (paths: string[]) =>
	paths.flatMap((p) => delivered(p).map((r) => r.at - (acceptedAt.get(r.id) ?? r.at)));

/** Asserts an ordered subscription received its 2xx deliveries as exactly 1..n. */
function expectInOrder(path: string, n: number) {
	const firsts = delivered(path).map((r) => r.seq);
	expect(firsts, path).toEqual(Array.from({ length: n }, (_, i) => i + 1));
}

beforeAll(async () => {
	await startSink();
	sinkPort = (sink.address() as AddressInfo).port;
	process.env.WRANGLER_LOG = process.env.BENCH_WRANGLER_LOG ?? "error";
	dev = await startDev(PORT, stateDir(), { ADMIN_TOKEN: ADMIN });
}, 120_000);

afterAll(async () => {
	await dev?.kill();
	sink?.close();
});

describe("end-to-end delivery", () => {
	it(`${TENANTS} tenants x ${EVENTS} events, ordered and unordered, sink answering at once`, async () => {
		const posters = await Promise.all(
			Array.from({ length: TENANTS }, (_, t) =>
				tenant(`e2e-${t}`, [
					{ path: `/ok/ordered/${t}`, ordering: "ordered" },
					{ path: `/ok/unordered/${t}`, ordering: "unordered" },
				]),
			),
		);
		const started = Date.now();
		// Interleave tenants, as real traffic would arrive.
		const jobs = Array.from({ length: EVENTS }, (_, n) => posters.map((post) => () => post(n + 1))).flat();
		await pool(jobs, CONCURRENCY);
		const ingestSeconds = (Date.now() - started) / 1000;
		const paths = Array.from({ length: TENANTS }, (_, t) => [`/ok/ordered/${t}`, `/ok/unordered/${t}`]).flat();
		const complete = await until(
			() => paths.every((p) => new Set(delivered(p).map((r) => r.id)).size >= EVENTS),
			600_000,
		);
		const seconds = (Math.max(...paths.flatMap((p) => delivered(p).map((r) => r.at))) - started) / 1000;
		expect(complete).toBe(true);
		for (let t = 0; t < TENANTS; t++) expectInOrder(`/ok/ordered/${t}`, EVENTS);
		const ordered = latencies(paths.filter((p) => p.includes("/ordered/")));
		const unordered = latencies(paths.filter((p) => p.includes("/unordered/")));
		const total = TENANTS * EVENTS;
		const markdown = [
			`### End to end: ${TENANTS} tenants x ${EVENTS} events, one ordered + one unordered subscription each`,
			"",
			markdownTable(
				["measure", "value"],
				[
					["events accepted (all 200)", total],
					[`ingest rate (events/s, ${CONCURRENCY} in flight)`, fixed(total / ingestSeconds, 0)],
					["deliveries (2 per event)", total * 2],
					["deliveries per second, first post to last delivery", fixed((total * 2) / seconds, 0)],
					["ordered: ingest 200 -> sink, p50 / p99 (ms)", `${percentile(ordered, 50)} / ${percentile(ordered, 99)}`],
					[
						"unordered: ingest 200 -> sink, p50 / p99 (ms)",
						`${percentile(unordered, 50)} / ${percentile(unordered, 99)}`,
					],
					["ordered subscriptions in exact sequence order", `${TENANTS} of ${TENANTS}`],
				],
			),
		].join("\n");
		writeResult("delivery-e2e", markdown, {
			tenants: TENANTS,
			events: EVENTS,
			ingestSeconds,
			seconds,
			ordered,
			unordered,
		});
	});

	it(`${TENANTS} tenants x ${FAILING_EVENTS} events to a sink failing 30 % at random`, async () => {
		const retry = Array.from({ length: 20 }, () => 1);
		const posters = await Promise.all(
			Array.from({ length: TENANTS }, (_, t) =>
				tenant(`fail-${t}`, [
					{ path: `/flaky/ordered/${t}`, ordering: "ordered", retry },
					{ path: `/flaky/unordered/${t}`, ordering: "unordered", retry },
				]),
			),
		);
		const started = Date.now();
		const jobs = Array.from({ length: FAILING_EVENTS }, (_, n) => posters.map((post) => () => post(n + 1))).flat();
		await pool(jobs, CONCURRENCY);
		const paths = Array.from({ length: TENANTS }, (_, t) => [`/flaky/ordered/${t}`, `/flaky/unordered/${t}`]).flat();
		const complete = await until(
			() => paths.every((p) => new Set(delivered(p).map((r) => r.id)).size >= FAILING_EVENTS),
			900_000,
		);
		expect(complete).toBe(true);
		for (let t = 0; t < TENANTS; t++) expectInOrder(`/flaky/ordered/${t}`, FAILING_EVENTS);
		const attempts = paths.reduce((n, p) => n + (seen.get(p)?.length ?? 0), 0);
		const failures = paths.reduce((n, p) => n + (seen.get(p) ?? []).filter((r) => r.status !== 200).length, 0);
		const markdown = [
			`### With a subscriber failing 30 % of attempts: ${TENANTS} tenants x ${FAILING_EVENTS} events`,
			"",
			markdownTable(
				["measure", "value"],
				[
					["deliveries", TENANTS * FAILING_EVENTS * 2],
					["attempts (failed)", `${attempts} (${failures}, ${fixed((failures / attempts) * 100, 1)} %)`],
					["all delivered", "yes"],
					["ordered subscriptions in exact sequence order", `${TENANTS} of ${TENANTS}`],
					["time until the last delivery (s)", fixed((Date.now() - started) / 1000, 1)],
				],
			),
		].join("\n");
		writeResult("delivery-failing", markdown, { tenants: TENANTS, events: FAILING_EVENTS, attempts, failures });
	});

	it("fan-out width: one event to 1, 10 and 50 subscriptions", async () => {
		const rows: (string | number)[][] = [];
		const data: Record<number, number[]> = {};
		for (const width of [1, 10, 50]) {
			const paths = Array.from({ length: width }, (_, i) => `/ok/width-${width}/${i}`);
			const post = await tenant(
				`width-${width}`,
				paths.map((path) => ({ path, ordering: "ordered" as const })),
			);
			const times: number[] = [];
			for (let round = 1; round <= WIDTH_ROUNDS; round++) {
				// From when the provider sent it: delivery can beat the 200 back to the provider.
				const { sentAt: start } = await post(round);
				await until(() => paths.every((p) => delivered(p).length >= round), 60_000);
				times.push(Math.max(...paths.map((p) => delivered(p)[round - 1]?.at ?? Number.NaN)) - start);
			}
			data[width] = times;
			rows.push([width, percentile(times, 50), Math.max(...times)]);
		}
		const markdown = [
			`### Fan-out width: one event, time from the provider's POST until every subscription has it (${WIDTH_ROUNDS} rounds)`,
			"",
			markdownTable(["subscriptions", "median (ms)", "max (ms)"], rows),
		].join("\n");
		writeResult("delivery-width", markdown, data);
	});
});
