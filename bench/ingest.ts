/**
 * Ingest throughput against a no-op route, under the same load, in one run. Starts the local runtime
 * (workerd with local KV, Queues and Durable Objects) on fresh state with one source per provider,
 * then loads it from this Node process with autocannon: every request is a new event (its own id,
 * signed on the spot), so dedupe never short-circuits one. Part of `npm run bench`; alone:
 * `npx vitest run -c bench/vitest.ingest.config.ts`.
 *
 * Targets, run in turn in each round (rounds interleave them, so drift hits every target alike):
 * - `no-op`: `GET /healthz`, the cheapest route there is. It is a GET without a body; to keep the
 *   load generator's own work equal, its requests are built and signed like a VoIPbin event and
 *   then sent without the body.
 * - one per provider: `POST /in/bench/{source}`, answered 200 after the Durable Object append.
 * - a ladder of early exits on VoIPbin's payload, each stopping one stage later: `404` (unknown
 *   source: a KV miss), `415` (wrong content type: a KV hit and the source's parse, body unread),
 *   `400` (a body that is not JSON: also the body read), `401` (wrong signature: also the JSON
 *   parse, the HMAC and a warning logged; no normalize, no append), `400 invalid payload` (signed
 *   correctly, so verified, then refused by normalize; nothing logged), and `200 duplicate` (the
 *   same event again and again: the Durable Object call and the log line, but no writes).
 * - BENCH_INSPECTOR: "off" (default) runs scripts/start-worker.mjs, the same runtime without the
 *   debugger `wrangler dev` attaches; "on" runs `wrangler dev` as `npm run dev` does.
 *
 * Settings (environment): BENCH_ROUNDS (3), BENCH_SECONDS (5), BENCH_CONNECTIONS (10),
 * BENCH_WARMUP_SECONDS (2, per target, once, not reported), BENCH_PORT (19150), BENCH_TARGETS (a
 * comma-separated subset of target names; the no-op always runs), and
 * BENCH_WRANGLER_LOG ("error"): wrangler dev's log level. By default wrangler prints a line per
 * request (and the gateway's own log line) in its Node process, which exists only in local dev and,
 * on a 2-core machine, took about a third of the no-op's throughput; the worker still writes its logs.
 */

import autocannon from "autocannon";
import { describe, expect, it } from "vitest";
import { type DevServer, putLocalKv, startDev, stateDir } from "../test/e2e/dev-server";
import { selectedTargets, type Target } from "./ingest-targets";
import { checkSigners } from "./node-sign";
import { BENCH_PROVIDERS, BENCH_SOURCES, BENCH_TENANT } from "./payloads";
import { ROLES, type Role, snapshot } from "./proc-cpu";
import { RUNTIME_LABEL, WITH_INSPECTOR, writeResult } from "./results";
import { fixed, markdownTable, median } from "./stats";

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SETTINGS = {
	rounds: num("BENCH_ROUNDS", 3),
	seconds: num("BENCH_SECONDS", 5),
	connections: num("BENCH_CONNECTIONS", 10),
	warmupSeconds: num("BENCH_WARMUP_SECONDS", 2),
	port: num("BENCH_PORT", 19150),
	wranglerLog: process.env.BENCH_WRANGLER_LOG ?? "error",
};

/** Event numbers never repeat within a process, so no two requests carry the same event. */
let nextEvent = 1;

/** CPU milliseconds per completed request, per process role and for this load generator. */
type CpuPerRequest = Record<Role | "loadgen", number>;

interface Sample {
	rps: number;
	p50: number;
	p99: number;
	statuses: Record<string, number>;
	errors: number;
	/** Null without /proc, or when wrangler replaced a process during the sample (a reload). */
	cpu: CpuPerRequest | null;
}

async function load(dev: DevServer, target: Target, seconds: number): Promise<Sample> {
	const before = snapshot(SETTINGS.port);
	const ownBefore = process.cpuUsage();
	const result = await autocannon({
		url: dev.url,
		connections: SETTINGS.connections,
		duration: seconds,
		requests: [{ setupRequest: (request) => ({ ...request, ...target.build(nextEvent++) }) }],
	});
	const own = process.cpuUsage(ownBefore);
	const after = snapshot(SETTINGS.port);
	const completed = result.requests.total;
	let cpu: CpuPerRequest | null = null;
	if (before && after && before.pids === after.pids && completed > 0) {
		const per = (role: Role) => ((after.seconds[role] - before.seconds[role]) * 1000) / completed;
		cpu = {
			worker: per("worker"),
			proxy: per("proxy"),
			wrangler: per("wrangler"),
			loadgen: (own.user + own.system) / 1000 / completed,
		};
	}
	const statuses: Record<string, number> = {};
	for (const [code, { count }] of Object.entries(result.statusCodeStats)) statuses[code] = count;
	return {
		rps: completed / result.duration,
		p50: result.latency.p50,
		p99: result.latency.p99,
		statuses,
		errors: result.errors + result.timeouts,
		cpu,
	};
}

/** Every source, written to the persisted local KV before the runtime starts. */
async function seed(dir: string): Promise<void> {
	for (const provider of BENCH_PROVIDERS) {
		const { id, config } = BENCH_SOURCES[provider];
		await putLocalKv(dir, `source:${BENCH_TENANT}:${id}`, JSON.stringify(config));
	}
}

/** Two requests per target, each checked for its expected status (the second also for `answers`) before any load. */
async function smokeTest(dev: DevServer, targets: Target[]): Promise<void> {
	for (const target of targets) {
		for (const second of [false, true]) {
			const req = target.build(nextEvent++);
			const res = await fetch(dev.url + req.path, {
				method: req.method ?? "GET",
				...(req.headers ? { headers: req.headers } : {}),
				...(typeof req.body === "string" ? { body: req.body } : {}),
			});
			const text = await res.text();
			if (res.status !== target.expect || (second && target.answers && !target.answers.test(text)))
				throw new Error(
					`${target.name}: expected ${target.expect} ${target.answers ?? ""}, got ${res.status}: ${text}`,
				);
		}
	}
}

interface TargetReport {
	target: Target;
	samples: Sample[];
}

function statusText(samples: Sample[], expected: number): string {
	const total: Record<string, number> = {};
	for (const s of samples)
		for (const [code, count] of Object.entries(s.statuses)) total[code] = (total[code] ?? 0) + count;
	const errors = samples.reduce((n, s) => n + s.errors, 0);
	const parts = Object.entries(total).map(
		([code, count]) => `${code}: ${count}${Number(code) === expected ? "" : " (UNEXPECTED)"}`,
	);
	if (errors > 0) parts.push(`errors/timeouts: ${errors} (UNEXPECTED)`);
	return parts.join(", ");
}

/** CPU per request by process, from /proc: steadier than throughput when the machine is shared. */
function cpuReport(reports: TargetReport[]): string[] {
	const cpuOf = (r: TargetReport, key: Role | "loadgen") =>
		median(r.samples.flatMap((s) => (s.cpu ? [s.cpu[key]] : [])));
	const noop = reports.find((r) => r.target.name === "no-op");
	const noopWorker = noop ? cpuOf(noop, "worker") : Number.NaN;
	const rows = reports.map((r) => [
		r.target.name,
		...ROLES.map((role) => fixed(cpuOf(r, role), 2)),
		fixed(cpuOf(r, "loadgen"), 2),
		fixed(noopWorker / cpuOf(r, "worker"), 2),
		`${r.samples.filter((s) => s.cpu).length}/${r.samples.length}`,
	]);
	if (reports.every((r) => r.samples.every((s) => !s.cpu))) return ["(CPU per request: not available, no /proc.)", ""];
	return [
		"CPU milliseconds per request (user + system, medians over rounds), by process: the worker's workerd (the gateway",
		"with its local KV, Durable Objects and Queues), wrangler's proxy (a second workerd on the public port),",
		"wrangler's Node process, and the load generator (this process, building and signing requests). The last ratio",
		"is the throughput ratio the worker's CPU alone would allow; rounds in which wrangler replaced a process",
		"(a reload on a file change) are left out.",
		"",
		markdownTable(
			[
				"target",
				"worker ms",
				"proxy ms",
				"wrangler ms",
				"load generator ms",
				"no-op ÷ target (worker)",
				"rounds measured",
			],
			rows,
		),
		"",
	];
}

function report(reports: TargetReport[]): string {
	const noop = reports.find((r) => r.target.name === "no-op");
	const noopRps = noop ? median(noop.samples.map((s) => s.rps)) : Number.NaN;
	const rows = reports.map(({ target, samples }) => {
		const rps = median(samples.map((s) => s.rps));
		return [
			target.name,
			fixed(rps, 0),
			fixed(median(samples.map((s) => s.p50)), 1),
			fixed(median(samples.map((s) => s.p99)), 1),
			target.name === "no-op" ? "1.00" : fixed(rps / noopRps, 2),
			statusText(samples, target.expect),
		];
	});
	const { rounds, seconds, connections, warmupSeconds } = SETTINGS;
	return [
		`Ingest against a no-op route under the same load: ${RUNTIME_LABEL}, with workerd's local KV / Durable Objects / Queues; loaded`,
		`by autocannon from Node on the same machine, ${connections} connections, ${rounds} rounds x ${seconds} s per target`,
		`(targets interleaved within each round, after one ${warmupSeconds} s warm-up each); medians over rounds. Every`,
		"request is a distinct, freshly signed event. No subscriptions exist, so no fan-out work follows the append.",
		`wrangler's own log level: ${SETTINGS.wranglerLog}.`,
		"Target for the ratio: >= 0.6.",
		"",
		markdownTable(["target", "req/s", "p50 ms", "p99 ms", "ratio to no-op", "statuses (all rounds)"], rows),
		"",
		...cpuReport(reports),
		...reports.map((r) => `- ${r.target.name}: ${r.target.note}`),
	].join("\n");
}

describe("ingest throughput vs a no-op route", () => {
	it("loads the local runtime with every provider's events and a no-op", async () => {
		await checkSigners();
		const dir = stateDir();
		await seed(dir);
		process.env.WRANGLER_LOG = SETTINGS.wranglerLog; // startDev passes this process's environment on
		const dev = await startDev(SETTINGS.port, dir, {}, { inspector: WITH_INSPECTOR });
		try {
			const targets = selectedTargets();
			await smokeTest(dev, targets);
			for (const target of targets) if (SETTINGS.warmupSeconds > 0) await load(dev, target, SETTINGS.warmupSeconds);
			const reports: TargetReport[] = targets.map((target) => ({ target, samples: [] }));
			for (let round = 0; round < SETTINGS.rounds; round++) {
				for (const r of reports) r.samples.push(await load(dev, r.target, SETTINGS.seconds));
			}
			const markdown = report(reports);
			writeResult("ingest", markdown, {
				settings: SETTINGS,
				targets: reports.map((r) => ({ name: r.target.name, expect: r.target.expect, samples: r.samples })),
			});
			for (const r of reports) {
				const unexpected = r.samples.some(
					(s) => s.errors > 0 || Object.keys(s.statuses).some((c) => Number(c) !== r.target.expect),
				);
				expect.soft(unexpected, `${r.target.name} had unexpected statuses or errors`).toBe(false);
			}
		} finally {
			await dev.kill();
		}
	});
});
