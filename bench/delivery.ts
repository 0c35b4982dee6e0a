/**
 * End-to-end delivery benchmarks on the real local runtime (`wrangler dev`): providers' requests in,
 * signed deliveries out to a subscriber in this Node process. Part of `npm run bench`; alone:
 * `npx vitest run -c bench/vitest.delivery.config.ts`.
 *
 * 1. Throughput and latency: BENCH_TENANTS (10) tenants x BENCH_EVENTS (1000) events, each tenant with
 *    one ordered and one unordered subscription to a sink that answers 200 at once. Events delivered
 *    per second, and p50/p99 from the provider's POST, and from ingest's 200, to the sink receiving
 *    the event, per ordering.
 * 2. The same with a sink failing 30 % of attempts at random (retry schedule 20 x 1 s), at
 *    BENCH_FAILING_EVENTS (100) events per tenant: everything delivered, ordered ones in exact order.
 *    (Smaller, because every failure waits at least 1 s in an ordered lane.)
 * 3. Fan-out width: one event to 1, 10 and 50 subscriptions; time from the 200 until all have it
 *    (median of BENCH_WIDTH_ROUNDS (5)).
 * 1 and 2 run BENCH_RUNS (3) times, each on new tenants, and report the median and every run.
 * BENCH_INSPECTOR=on runs `wrangler dev` itself (debugger attached) instead of scripts/start-worker.mjs.
 */
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDev, stateDir } from "../test/e2e/dev-server";
import { RUNTIME_LABEL, WITH_INSPECTOR, writeResult } from "./results";
import { fixed, markdownTable, median, percentile } from "./stats";

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const TENANTS = num("BENCH_TENANTS", 10);
const EVENTS = num("BENCH_EVENTS", 1000);
const FAILING_EVENTS = num("BENCH_FAILING_EVENTS", 100);
const WIDTH_ROUNDS = num("BENCH_WIDTH_ROUNDS", 5);
const RUNS = num("BENCH_RUNS", 3);
const CONCURRENCY = num("BENCH_CONNECTIONS", 10);
const PORT = num("BENCH_PORT", 19160);
const ADMIN = "bench-admin";

/** What the sink saw: per subscription path, (event id, sequence, received at, status) in arrival order. */
const seen = new Map<string, { id: string; seq: number; at: number; status: number }[]>();
let sinkPort = 0;
let sink: Server;
let dev: DevServer;
/** When the provider's POST was sent, and when ingest's 200 came back, by event id. */
const sentAt = new Map<string, number>();
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
	// VoIPbin generates its webhook secret (a source without one is refused: secret_required).
	const source = await api<{ secret: string; ingest_url: string }>(api_key, "PUT", "/v1/sources/vb", {
		provider: "voipbin",
		secret: "bench-secret-copied-from-voipbin",
	});
	for (const s of subs) {
		await api(api_key, "POST", "/v1/subscriptions", {
			url: `http://127.0.0.1:${sinkPort}${s.path}`,
			ordering: s.ordering,
			...(s.retry ? { retry_schedule: s.retry } : {}),
		});
	}
	return async (n: number): Promise<{ sentAt: number }> => {
		const started = Date.now();
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
		sentAt.set(answer.id, started);
		return { sentAt: started };
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
/** Milliseconds from `from` (the POST or the 200) to each delivery's arrival. */
const latencies = (paths: string[], from: Map<string, number>) =>
	paths.flatMap((p) => delivered(p).map((r) => r.at - (from.get(r.id) ?? r.at)));

/** Asserts an ordered subscription received its 2xx deliveries as exactly 1..n. */
function expectInOrder(path: string, n: number) {
	const firsts = delivered(path).map((r) => r.seq);
	expect(firsts, path).toEqual(Array.from({ length: n }, (_, i) => i + 1));
}

beforeAll(async () => {
	await startSink();
	sinkPort = (sink.address() as AddressInfo).port;
	process.env.WRANGLER_LOG = process.env.BENCH_WRANGLER_LOG ?? "error";
	dev = await startDev(PORT, stateDir(), { ADMIN_TOKEN: ADMIN }, { inspector: WITH_INSPECTOR });
}, 120_000);

afterAll(async () => {
	await dev?.kill();
	sink?.close();
});

/** A table of per-run measures with their median first: `measures` maps a label to one value per run. */
function runsTable(measures: [label: string, perRun: number[], digits: number][]): string {
	const header = ["measure", "median", ...Array.from({ length: RUNS }, (_, i) => `run ${i + 1}`)];
	return markdownTable(
		header,
		measures.map(([label, values, digits]) => [
			label,
			fixed(median(values), digits),
			...values.map((v) => fixed(v, digits)),
		]),
	);
}

interface StreamRun {
	ingestRate: number;
	deliveriesPerSecond: number;
	/** From the provider's POST to the sink, per ordering. */
	ordered: number[];
	unordered: number[];
	/** From ingest's 200 reaching the provider to the sink: negative when the delivery came first. */
	orderedAfter200: number[];
	unorderedAfter200: number[];
}

/** What one run posted, and when: the sink paths of its ordered and unordered subscriptions. */
interface Streamed {
	started: number;
	ingestSeconds: number;
	ordered: string[];
	unordered: string[];
}

/**
 * Creates TENANTS tenants, each with one ordered and one unordered subscription to the sink under
 * `/{base}/`, posts `events` events to each (tenants interleaved, as real traffic arrives), waits for
 * every delivery and checks each ordered subscription received exactly 1..events in order.
 */
async function streamToSink(base: string, run: number, events: number, retry?: number[]): Promise<Streamed> {
	const path = (ordering: "ordered" | "unordered", t: number) => `/${base}/${ordering}/${run}/${t}`;
	const posters = await Promise.all(
		Array.from({ length: TENANTS }, (_, t) =>
			tenant(
				`${base}-${run}-${t}`,
				(["ordered", "unordered"] as const).map((ordering) => ({ path: path(ordering, t), ordering, retry })),
			),
		),
	);
	const started = Date.now();
	const jobs = Array.from({ length: events }, (_, n) => posters.map((post) => () => post(n + 1))).flat();
	await pool(jobs, CONCURRENCY);
	const ingestSeconds = (Date.now() - started) / 1000;
	const ordered = Array.from({ length: TENANTS }, (_, t) => path("ordered", t));
	const unordered = Array.from({ length: TENANTS }, (_, t) => path("unordered", t));
	const complete = await until(
		() => [...ordered, ...unordered].every((p) => new Set(delivered(p).map((r) => r.id)).size >= events),
		900_000,
	);
	expect(complete, `run ${run}: everything delivered`).toBe(true);
	for (const p of ordered) expectInOrder(p, events);
	return { started, ingestSeconds, ordered, unordered };
}

/** When the last delivery to any of `paths` arrived. */
const lastArrival = (paths: string[]) => Math.max(...paths.flatMap((p) => delivered(p).map((r) => r.at)));

/** One run of the first benchmark, on tenants of its own. */
async function streamRun(run: number): Promise<StreamRun> {
	const { started, ingestSeconds, ordered, unordered } = await streamToSink("ok", run, EVENTS);
	const seconds = (lastArrival([...ordered, ...unordered]) - started) / 1000;
	return {
		ingestRate: (TENANTS * EVENTS) / ingestSeconds,
		deliveriesPerSecond: (TENANTS * EVENTS * 2) / seconds,
		ordered: latencies(ordered, sentAt),
		unordered: latencies(unordered, sentAt),
		orderedAfter200: latencies(ordered, acceptedAt),
		unorderedAfter200: latencies(unordered, acceptedAt),
	};
}

interface FailingRun {
	attempts: number;
	failures: number;
	seconds: number;
}

/** One run of the second benchmark, on tenants of its own. */
async function failingRun(run: number): Promise<FailingRun> {
	const retry = Array.from({ length: 20 }, () => 1);
	const { started, ordered, unordered } = await streamToSink("flaky", run, FAILING_EVENTS, retry);
	const paths = [...ordered, ...unordered];
	return {
		attempts: paths.reduce((n, p) => n + (seen.get(p)?.length ?? 0), 0),
		failures: paths.reduce((n, p) => n + (seen.get(p) ?? []).filter((r) => r.status !== 200).length, 0),
		seconds: (lastArrival(paths) - started) / 1000,
	};
}

describe("end-to-end delivery", () => {
	it(`${TENANTS} tenants x ${EVENTS} events, ordered and unordered, sink answering at once (${RUNS} runs)`, async () => {
		const runs: StreamRun[] = [];
		for (let run = 1; run <= RUNS; run++) runs.push(await streamRun(run));
		const total = TENANTS * EVENTS;
		const markdown = [
			`### End to end: ${TENANTS} tenants x ${EVENTS} events, one ordered + one unordered subscription each`,
			"",
			`${RUNTIME_LABEL}; ${CONCURRENCY} ingest requests in flight; ${RUNS} runs, each on new tenants. In every run`,
			`all ${total} events were accepted with 200, all ${total * 2} deliveries arrived, and all ${TENANTS} ordered`,
			"subscriptions received their events in exact sequence order.",
			"",
			runsTable([
				["ingest rate (events/s)", runs.map((r) => r.ingestRate), 0],
				["deliveries per second, first post to last delivery", runs.map((r) => r.deliveriesPerSecond), 0],
				["ordered: provider's POST -> sink, p50 (ms)", runs.map((r) => percentile(r.ordered, 50)), 0],
				["ordered: provider's POST -> sink, p99 (ms)", runs.map((r) => percentile(r.ordered, 99)), 0],
				["unordered: provider's POST -> sink, p50 (ms)", runs.map((r) => percentile(r.unordered, 50)), 0],
				["unordered: provider's POST -> sink, p99 (ms)", runs.map((r) => percentile(r.unordered, 99)), 0],
				["ordered: ingest's 200 -> sink, p50 (ms)", runs.map((r) => percentile(r.orderedAfter200, 50)), 0],
				["ordered: ingest's 200 -> sink, p99 (ms)", runs.map((r) => percentile(r.orderedAfter200, 99)), 0],
				["unordered: ingest's 200 -> sink, p50 (ms)", runs.map((r) => percentile(r.unorderedAfter200, 50)), 0],
				["unordered: ingest's 200 -> sink, p99 (ms)", runs.map((r) => percentile(r.unorderedAfter200, 99)), 0],
			]),
			"",
			"From the 200, a negative figure means the subscriber had the event before the provider had its 200:",
			"the append wakes the ordered lane at once, and the 200 still has the way back to the provider to go.",
		].join("\n");
		writeResult("delivery-e2e", markdown, { tenants: TENANTS, events: EVENTS, runs });
	});

	it(`${TENANTS} tenants x ${FAILING_EVENTS} events to a sink failing 30 % at random (${RUNS} runs)`, async () => {
		const runs: FailingRun[] = [];
		for (let run = 1; run <= RUNS; run++) runs.push(await failingRun(run));
		const deliveries = TENANTS * FAILING_EVENTS * 2;
		const markdown = [
			`### With a subscriber failing 30 % of attempts: ${TENANTS} tenants x ${FAILING_EVENTS} events`,
			"",
			`${RUNTIME_LABEL}; retry schedule 20 x 1 s; ${RUNS} runs, each on new tenants. In every run all ${deliveries}`,
			`deliveries arrived and all ${TENANTS} ordered subscriptions received their events in exact sequence order.`,
			"",
			runsTable([
				["attempts", runs.map((r) => r.attempts), 0],
				["failed attempts", runs.map((r) => r.failures), 0],
				["failed share (%)", runs.map((r) => (r.failures / r.attempts) * 100), 1],
				["time until the last delivery (s)", runs.map((r) => r.seconds), 1],
			]),
		].join("\n");
		writeResult("delivery-failing", markdown, { tenants: TENANTS, events: FAILING_EVENTS, runs });
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
			`${RUNTIME_LABEL}; ordered subscriptions, sink answering at once.`,
			"",
			markdownTable(["subscriptions", "median (ms)", "max (ms)"], rows),
		].join("\n");
		writeResult("delivery-width", markdown, data);
	});
});
