/**
 * CPU per event, inside workerd: parse + verify + normalize of one realistic signed request per
 * provider, run many times in batches. Part of `npm run bench`; alone:
 * `npx vitest run -c bench/vitest.cpu.config.ts bench/cpu.ts`.
 *
 * Timing: workerd's clock has 1 ms resolution and, as deployed Workers do, may hold still during pure
 * CPU work and move only across I/O. So every batch starts right after a real I/O (a KV read) and
 * ends with one: if the clock moved during the batch (in the vitest pool it does; the report says
 * "clock: direct"), the batch's own span is used; if it stood still, the span to the end of the
 * closing I/O minus that I/O's median latency ("io-bracketed"). Batches grow until each takes at
 * least 25 ms, and a batch measured at zero fails the run instead of reporting a free event.
 */
import { env } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { utf8 } from "../src/crypto/bytes";
import { parseBody } from "../src/normalize/body";
import { providerOf, SourceConfigSchema } from "../src/providers";
import { verifyRequest } from "../src/verify/index";
import { RESULT_MARK } from "./bench-types";
import {
	BENCH_EVENTS,
	BENCH_PROVIDERS,
	BENCH_SIZES,
	BENCH_SOURCES,
	BENCH_TENANT,
	type BenchProvider,
	type BenchSize,
	signedRequest,
} from "./payloads";
import { fixed, markdownTable, median, percentile } from "./stats";

const settings = inject("cpuBench");

/** Real I/O: a KV read leaves the isolate, and workerd's clock moves across I/O. */
const io = async (): Promise<void> => {
	await env.CONFIG.get("bench:clock");
};

interface Batch {
	/** Milliseconds for the whole batch. */
	ms: number;
	/** True when the clock moved during the CPU work itself. */
	direct: boolean;
}

async function timeBatch(iterations: number, fn: () => unknown, ioLatencyMs: number): Promise<Batch> {
	await io();
	const t0 = performance.now();
	for (let i = 0; i < iterations; i++) await fn();
	const t1 = performance.now();
	await io();
	const t2 = performance.now();
	if (t1 > t0) return { ms: t1 - t0, direct: true };
	return { ms: Math.max(0, t2 - t0 - ioLatencyMs), direct: false };
}

/** Median latency of the closing I/O alone, to subtract when the clock stands still during CPU work. */
async function ioLatency(): Promise<number> {
	const samples: number[] = [];
	for (let i = 0; i < 50; i++) {
		await io();
		const t0 = performance.now();
		await io();
		samples.push(performance.now() - t0);
	}
	return median(samples);
}

/** A batch shorter than this is mostly clock resolution (1 ms): it gets more events instead. */
const MIN_BATCH_MS = 25;
/** More events than this per batch means the clock is not measuring anything. */
const MAX_ITERATIONS = 2_000_000;

interface Measurement {
	/** Milliseconds per event, one value per batch. */
	perEvent: number[];
	/** Events per batch (at least the configured number, more for stages too fast to time). */
	iterations: number;
	direct: boolean;
}

async function measure(fn: () => unknown, ioLatencyMs: number): Promise<Measurement> {
	// Warm-up batches (JIT, caches), which also grow the batch until it is long enough to time.
	let iterations = settings.iterations;
	for (;;) {
		const warm = await timeBatch(iterations, fn, ioLatencyMs);
		if (warm.ms >= MIN_BATCH_MS) break;
		if (iterations >= MAX_ITERATIONS) throw new Error("batches measure no time: the clock did not move");
		iterations = Math.min(MAX_ITERATIONS, Math.ceil((iterations * 2 * MIN_BATCH_MS) / Math.max(warm.ms, 1)));
	}
	const perEvent: number[] = [];
	let direct = true;
	for (let b = 0; b < settings.batches; b++) {
		const batch = await timeBatch(iterations, fn, ioLatencyMs);
		expect(batch.ms, "a batch measured no time: the clock did not move").toBeGreaterThan(0);
		perEvent.push(batch.ms / iterations);
		direct &&= batch.direct;
	}
	return { perEvent, iterations, direct };
}

interface ProviderResult {
	provider: BenchProvider;
	size: BenchSize;
	event: string;
	bytes: number;
	/** The target: parse + verify + normalize. */
	medianMs: number;
	p99Ms: number;
	/** Each stage alone (medians, ms per event). */
	stages: { sourceParse: number; bodyParse: number; verify: number; normalize: number };
	clock: "direct" | "io-bracketed";
	/** Events per timed batch of the full pipeline. */
	iterations: number;
}

async function benchProvider(provider: BenchProvider, size: BenchSize, ioLatencyMs: number): Promise<ProviderResult> {
	const { id, config } = BENCH_SOURCES[provider];
	const source = SourceConfigSchema.parse(config);
	const spec = providerOf(source);
	const now = Date.now();
	const req = await signedRequest(provider, 1, Math.floor(now / 1000), size);
	const rawBody = utf8(req.body);
	const headers = new Headers(req.headers);
	const url = new URL(`https://hookfan.test/in/${BENCH_TENANT}/${id}${req.query ?? ""}`);
	const configText = JSON.stringify(config);

	const parsed = parseBody(rawBody, spec.format);
	if (!parsed.ok) throw new Error(`${provider}: ${parsed.detail}`);
	const input = { headers, url, rawBody, body: parsed.body, now };

	/** One event through the three stages, failing loudly if the request is not accepted. */
	const pipeline = async () => {
		const body = parseBody(rawBody, spec.format);
		if (!body.ok) throw new Error(`${provider}: ${body.detail}`);
		const proof = await verifyRequest({ headers, url, rawBody, body: body.body, now }, source, spec.verify);
		if (!proof.ok) throw new Error(`${provider}: ${proof.reason}`);
		const result = spec.normalize({ body: body.body, headers }, source);
		if (!result.ok) throw new Error(`${provider}: ${JSON.stringify(result.issues)}`);
	};

	const total = await measure(pipeline, ioLatencyMs);
	const stage = async (fn: () => unknown) => median((await measure(fn, ioLatencyMs)).perEvent);
	return {
		provider,
		size,
		event: BENCH_EVENTS[provider],
		bytes: rawBody.byteLength,
		medianMs: median(total.perEvent),
		p99Ms: percentile(total.perEvent, 99),
		stages: {
			// What ingest does with the KV value on every request: JSON, then the zod schema.
			sourceParse: await stage(() => SourceConfigSchema.parse(JSON.parse(configText))),
			bodyParse: await stage(() => parseBody(rawBody, spec.format)),
			verify: await stage(() => verifyRequest(input, source, spec.verify)),
			normalize: await stage(() => spec.normalize({ body: parsed.body, headers }, source)),
		},
		clock: total.direct ? "direct" : "io-bracketed",
		iterations: total.iterations,
	};
}

/** The target: under 0.3 ms (300 µs) per event at the median, for bodies under 4 KB. */
const TARGET_US = 300;

function report(results: ProviderResult[], ioLatencyMs: number): string {
	const us = (ms: number) => fixed(ms * 1000, 1);
	const rows = results.map((r) => [
		r.provider,
		r.size,
		r.bytes,
		us(r.medianMs),
		us(r.p99Ms),
		r.medianMs * 1000 < TARGET_US && r.bytes < 4096 ? "yes" : "NO",
		us(r.stages.bodyParse),
		us(r.stages.verify),
		us(r.stages.normalize),
		us(r.stages.sourceParse),
	]);
	return [
		`CPU per event in workerd (µs): ${settings.batches} timed batches per row, each of at least ${settings.iterations}`,
		`events (more when a batch would be too short to time), after warm-up batches; clock: ${[...new Set(results.map((r) => r.clock))].join(", ")}`,
		`(KV read latency ${fixed(ioLatencyMs, 1)} ms). p99 is over batch means, not single events: one event is below`,
		"the clock's 1 ms resolution. The stage columns are each stage alone (medians); source re-parse is the zod",
		"parse of the KV value that ingest also does per request, outside the target.",
		"",
		markdownTable(
			[
				"provider",
				"payload",
				"body bytes",
				"median µs/event",
				"p99 µs/event",
				`< ${TARGET_US} µs`,
				"parse",
				"verify",
				"normalize",
				"source re-parse",
			],
			rows,
		),
	].join("\n");
}

describe("CPU per event (parse + verify + normalize)", () => {
	it("measures every provider", async () => {
		const ioLatencyMs = await ioLatency();
		const results: ProviderResult[] = [];
		for (const size of BENCH_SIZES) {
			for (const provider of BENCH_PROVIDERS) results.push(await benchProvider(provider, size, ioLatencyMs));
		}
		const markdown = report(results, ioLatencyMs);
		// The config's onConsoleLog prints the markdown and writes both to bench/results.
		console.log(RESULT_MARK + JSON.stringify({ name: "cpu", markdown, settings, ioLatencyMs, results }));
	});
});
