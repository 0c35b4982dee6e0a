/**
 * Ordering benchmarks on the real local runtime (`wrangler dev`), against a Node subscriber that
 * answers after SLOW_MS (100 ms). The backlog is built while the subscriptions are paused and then
 * resumed, so ingest speed does not limit the figure. Part of `npm run bench`; alone:
 * `npx vitest run -c bench/vitest.ordering.config.ts`.
 *
 * 1. BENCH_KEYED_EVENTS (1000) events over 50 keys (`subject` call:k0..k49) to a per_key and an
 *    unordered subscription, both with max_in_flight 20, in one tenant and one run: events per second
 *    from the resume to the last delivery, and order violations within a key (must be zero).
 * 2. The same with the subscriber failing 30 % of attempts (retry schedule 20 x 1 s): everything
 *    delivered, zero violations.
 * 3. 10 ordered subscriptions of one tenant, BENCH_ORDERED_EVENTS (50) events each, against one alone:
 *    aggregate events per second.
 * 4. One ordered subscription with `batch.max_events` 50 against one without, BENCH_BATCH_EVENTS (200)
 *    events each: events per second (the batched one must reach at least 10x).
 * 5. `rate_limit_per_second` 10 over a backlog of 100 unordered events: the most attempts that arrived
 *    in any one second (must be at most 10), and nothing lost.
 */
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDev, stateDir } from "../test/e2e/dev-server";
import { RUNTIME_LABEL, WITH_INSPECTOR, writeResult } from "./results";
import { fixed, markdownTable } from "./stats";

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const KEYED_EVENTS = num("BENCH_KEYED_EVENTS", 1000);
const KEYS = 50;
const ORDERED_EVENTS = num("BENCH_ORDERED_EVENTS", 50);
const BATCH_EVENTS = num("BENCH_BATCH_EVENTS", 200);
const RATE_EVENTS = 100;
const SLOW_MS = 100;
const PORT = num("BENCH_PORT", 19170);
const ADMIN = "bench-admin";

/** One event a request carried (a batch carries several): `arrived` when the request came in, `at` when answered. */
type Seen = { seq: number; subject: string | null; at: number; arrived: number; status: number };
const seen = new Map<string, Seen[]>();
let sink: Server;
let sinkPort = 0;
let dev: DevServer;

function startSink(): Promise<void> {
	sink = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (c: Buffer) => chunks.push(c));
		req.on("end", () => {
			const path = req.url ?? "";
			const status = path.startsWith("/flaky/") && Math.random() < 0.3 ? 500 : 200;
			const arrived = Date.now();
			type Sent = { sequence: number; subject?: string | null };
			const parsed = JSON.parse(Buffer.concat(chunks).toString()) as Sent | Sent[];
			const events = Array.isArray(parsed) ? parsed : [parsed];
			setTimeout(() => {
				const list = seen.get(path) ?? [];
				const at = Date.now();
				for (const e of events) list.push({ seq: e.sequence, subject: e.subject ?? null, at, arrived, status });
				seen.set(path, list);
				res.writeHead(status).end();
			}, SLOW_MS);
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

/** A tenant with a VoIPbin source and paused subscriptions; returns their ids, a poster and a resumer. */
async function tenant(id: string, subs: Record<string, unknown>[]) {
	const { api_key } = await api<{ api_key: string }>(ADMIN, "POST", "/v1/tenants", { id });
	// VoIPbin issues its secret itself, so the source is given one (as an operator copies it in).
	const secret = "bench-voipbin-secret";
	const source = {
		secret,
		...(await api<{ ingest_url: string }>(api_key, "PUT", "/v1/sources/vb", { provider: "voipbin", secret })),
	};
	const ids: string[] = [];
	for (const s of subs) {
		const { id: subId } = await api<{ id: string }>(api_key, "POST", "/v1/subscriptions", s);
		await api(api_key, "POST", `/v1/subscriptions/${subId}/pause`);
		ids.push(subId);
	}
	const post = async (n: number, key: string) => {
		const tm = `2026-11-20 10:00:00.${String(n).padStart(6, "0")}`;
		const body = JSON.stringify({ type: "call_updated", data: { id: key, status: "progressing", tm_update: tm } });
		const signature = `sha256=${createHmac("sha256", source.secret).update(body).digest("hex")}`;
		const res = await fetch(source.ingest_url, {
			method: "POST",
			headers: { "content-type": "application/json", "x-voipbin-signature": signature },
			body,
		});
		if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
	};
	const resume = () => Promise.all(ids.map((s) => api(api_key, "POST", `/v1/subscriptions/${s}/resume`)));
	return { post, resume };
}

async function postAll(post: (n: number, key: string) => Promise<void>, count: number, key: (n: number) => string) {
	let next = 0;
	await Promise.all(
		Array.from({ length: 10 }, async () => {
			while (next < count) {
				const n = next++;
				await post(n, key(n));
			}
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

const ok = (path: string) => (seen.get(path) ?? []).filter((r) => r.status < 300);
const distinct = (path: string) => new Set(ok(path).map((r) => r.seq)).size;
/** Successful deliveries that arrived after a later one of the same key. */
function violations(path: string): number {
	const last = new Map<string, number>();
	let bad = 0;
	for (const r of ok(path)) {
		const key = r.subject ?? "";
		if ((last.get(key) ?? 0) > r.seq) bad++;
		last.set(key, Math.max(last.get(key) ?? 0, r.seq));
	}
	return bad;
}
/** Events per second from `from` to the last first-delivery of `path`. */
function rate(path: string, from: number, events: number): number {
	const firsts = new Map<number, number>();
	for (const r of ok(path)) if (!firsts.has(r.seq)) firsts.set(r.seq, r.at);
	return events / ((Math.max(...firsts.values()) - from) / 1000);
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

const rows: string[][] = [];
const data: Record<string, number> = {};

describe(`ordering modes against a ${SLOW_MS} ms subscriber (${RUNTIME_LABEL})`, () => {
	for (const failing of [false, true]) {
		const label = failing ? "failing 30 %" : "healthy";
		it(`per_key keeps up with unordered over ${KEYS} keys (${label})`, async () => {
			const base = failing ? "flaky" : "ok";
			const paths = { per_key: `/${base}/per_key`, unordered: `/${base}/unordered` };
			const retry = failing ? { retry_schedule: Array.from({ length: 20 }, () => 1) } : {};
			const t = await tenant(`ord-keyed-${base}`, [
				{ url: `http://127.0.0.1:${sinkPort}${paths.per_key}`, ordering: "per_key", max_in_flight: 20, ...retry },
				{ url: `http://127.0.0.1:${sinkPort}${paths.unordered}`, ordering: "unordered", max_in_flight: 20, ...retry },
			]);
			await postAll(t.post, KEYED_EVENTS, (n) => `k${n % KEYS}`);
			const resumed = Date.now();
			await t.resume();
			const done = await until(
				() => distinct(paths.per_key) >= KEYED_EVENTS && distinct(paths.unordered) >= KEYED_EVENTS,
				30 * 60_000,
			);
			expect(done).toBe(true);
			const perKey = rate(paths.per_key, resumed, KEYED_EVENTS);
			const unordered = rate(paths.unordered, resumed, KEYED_EVENTS);
			rows.push([
				`${KEYED_EVENTS} events / ${KEYS} keys, ${label}: per_key (max_in_flight 20)`,
				fixed(perKey, 1),
				`${violations(paths.per_key)} violations`,
			]);
			rows.push([
				`${KEYED_EVENTS} events / ${KEYS} keys, ${label}: unordered (max_in_flight 20)`,
				fixed(unordered, 1),
				"",
			]);
			rows.push([`per_key / unordered, ${label}`, fixed(perKey / unordered, 2), ""]);
			data[`per_key_${base}`] = perKey;
			data[`unordered_${base}`] = unordered;
			expect(violations(paths.per_key)).toBe(0);
		});
	}

	it("10 ordered subscriptions of one tenant against one alone", async () => {
		const one = await tenant("ord-one", [{ url: `http://127.0.0.1:${sinkPort}/ok/one` }]);
		const ten = await tenant(
			"ord-ten",
			Array.from({ length: 10 }, (_, i) => ({ url: `http://127.0.0.1:${sinkPort}/ok/ten${i}` })),
		);
		await postAll(one.post, ORDERED_EVENTS, (n) => `c${n}`);
		await postAll(ten.post, ORDERED_EVENTS, (n) => `c${n}`);
		let resumed = Date.now();
		await one.resume();
		expect(await until(() => distinct("/ok/one") >= ORDERED_EVENTS, 10 * 60_000)).toBe(true);
		const alone = rate("/ok/one", resumed, ORDERED_EVENTS);
		resumed = Date.now();
		await ten.resume();
		const tenPaths = Array.from({ length: 10 }, (_, i) => `/ok/ten${i}`);
		expect(await until(() => tenPaths.every((p) => distinct(p) >= ORDERED_EVENTS), 10 * 60_000)).toBe(true);
		const last = Math.max(...tenPaths.flatMap((p) => ok(p).map((r) => r.at)));
		const aggregate = (10 * ORDERED_EVENTS) / ((last - resumed) / 1000);
		rows.push([`ordered, one subscription`, fixed(alone, 1), ""]);
		rows.push([
			`ordered, 10 subscriptions of one tenant (aggregate)`,
			fixed(aggregate, 1),
			`${fixed(aggregate / alone, 1)}x one`,
		]);
		data.ordered_one = alone;
		data.ordered_ten = aggregate;
	});

	it("ordered with batch.max_events 50 against ordered without", async () => {
		const paths = { single: "/ok/unbatched", batched: "/ok/batched" };
		const t = await tenant("ord-batch", [
			{ url: `http://127.0.0.1:${sinkPort}${paths.single}` },
			{ url: `http://127.0.0.1:${sinkPort}${paths.batched}`, batch: { max_events: 50, max_wait_ms: 1000 } },
		]);
		await postAll(t.post, BATCH_EVENTS, (n) => `c${n}`);
		const resumed = Date.now();
		await t.resume();
		const done = () => distinct(paths.single) >= BATCH_EVENTS && distinct(paths.batched) >= BATCH_EVENTS;
		expect(await until(done, 10 * 60_000)).toBe(true);
		const single = rate(paths.single, resumed, BATCH_EVENTS);
		const batched = rate(paths.batched, resumed, BATCH_EVENTS);
		const inOrder = ok(paths.batched).every((r, i, all) => i === 0 || (all[i - 1] as Seen).seq < r.seq);
		rows.push([`ordered, ${BATCH_EVENTS} events, no batch`, fixed(single, 1), ""]);
		rows.push([
			`ordered, ${BATCH_EVENTS} events, batch.max_events 50`,
			fixed(batched, 1),
			`${fixed(batched / single, 1)}x unbatched; ${inOrder ? "in order" : "OUT OF ORDER"}`,
		]);
		data.ordered_unbatched = single;
		data.ordered_batch_50 = batched;
		expect(inOrder).toBe(true);
		expect(batched / single).toBeGreaterThanOrEqual(10);
	});

	it("rate_limit_per_second 10 over a backlog of 100", async () => {
		const path = "/ok/rate10";
		const t = await tenant("ord-rate", [
			{
				url: `http://127.0.0.1:${sinkPort}${path}`,
				ordering: "unordered",
				max_in_flight: 20,
				rate_limit_per_second: 10,
			},
		]);
		await postAll(t.post, RATE_EVENTS, (n) => `c${n}`);
		const resumed = Date.now();
		await t.resume();
		expect(await until(() => distinct(path) >= RATE_EVENTS, 10 * 60_000)).toBe(true);
		const arrivals = (seen.get(path) ?? []).map((r) => r.arrived).sort((a, b) => a - b);
		let busiest = 0;
		for (let i = 0, j = 0; j < arrivals.length; j++) {
			while ((arrivals[j] as number) - (arrivals[i] as number) >= 1000) i++;
			busiest = Math.max(busiest, j - i + 1);
		}
		const perSecond = rate(path, resumed, RATE_EVENTS);
		rows.push([
			`unordered, rate_limit_per_second 10, backlog ${RATE_EVENTS}`,
			fixed(perSecond, 1),
			`busiest second ${busiest} starts; ${distinct(path)}/${RATE_EVENTS} delivered`,
		]);
		data.rate_10_events_per_second = perSecond;
		data.rate_10_busiest_second = busiest;
		expect(busiest).toBeLessThanOrEqual(10);
	});

	afterAll(() => {
		const markdown = markdownTable(["scenario", "events/s", "notes"], rows);
		writeResult("ordering", `### Ordering modes (${RUNTIME_LABEL}, subscriber ${SLOW_MS} ms)\n\n${markdown}`, data);
	});
});
