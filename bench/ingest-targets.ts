/**
 * What the ingest benchmark loads: the no-op reference, one target per provider, and a ladder of early
 * exits that each stop one stage later than the one before. Every `build(n)` makes a fresh request for
 * event `n`, signed in Node (bench/node-sign.ts).
 */
import { createHmac } from "node:crypto";
import type { RequestParams } from "autocannon";
import { VOIPBIN_SECRET } from "../test/builders/voipbin";
import { signedRequestSync } from "./node-sign";
import {
	BENCH_EVENTS,
	BENCH_PROVIDERS,
	BENCH_SOURCES,
	BENCH_TENANT,
	type BenchProvider,
	benchPayload,
} from "./payloads";

export interface Target {
	name: string;
	/** The only status this target should answer. */
	expect: number;
	note: string;
	/** What the answer must say once the target has been sent before (checked in the smoke test). */
	answers?: RegExp;
	/** A fresh request for event `n`. */
	build(n: number): RequestParams;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const voipbinSignature = (body: string, secret = VOIPBIN_SECRET) =>
	`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
const ingestPath = (source: string, query = "") => `/in/${BENCH_TENANT}/${source}${query}`;

function providerTarget(provider: BenchProvider): Target {
	return {
		name: provider,
		expect: 200,
		note: BENCH_EVENTS[provider],
		build: (n) => {
			const req = signedRequestSync(provider, n, nowSeconds());
			return {
				method: "POST",
				path: ingestPath(BENCH_SOURCES[provider].id, req.query),
				headers: req.headers,
				body: req.body,
			};
		},
	};
}

export const TARGETS: Target[] = [
	{
		name: "no-op",
		expect: 200,
		note: "GET /healthz, no body (the request is still built and signed, then its body dropped)",
		build: (n) => {
			const req = signedRequestSync("voipbin", n, nowSeconds());
			return {
				method: "GET",
				path: "/healthz",
				headers: { "x-bench-signature": req.headers["x-voipbin-signature"] ?? "" },
			};
		},
	},
	...BENCH_PROVIDERS.map(providerTarget),
	{
		name: "404 unknown source",
		expect: 404,
		note: "stops after the KV read (a miss)",
		build: (n) => {
			const req = signedRequestSync("voipbin", n, nowSeconds());
			return { method: "POST", path: ingestPath("nosuch"), headers: req.headers, body: req.body };
		},
	},
	{
		name: "415 wrong content type",
		expect: 415,
		note: "stops after the KV read (a hit) and the source's zod parse, before reading the body",
		build: (n) => {
			const req = signedRequestSync("voipbin", n, nowSeconds());
			return {
				method: "POST",
				path: ingestPath(BENCH_SOURCES.voipbin.id),
				headers: { ...req.headers, "content-type": "text/plain" },
				body: req.body,
			};
		},
	},
	{
		name: "400 malformed body",
		expect: 400,
		note: "also reads the whole body, which is not JSON; nothing is logged",
		build: (n) => {
			const req = signedRequestSync("voipbin", n, nowSeconds());
			return { method: "POST", path: ingestPath(BENCH_SOURCES.voipbin.id), headers: req.headers, body: `x${req.body}` };
		},
	},
	{
		name: "401 wrong signature",
		expect: 401,
		note: "also parses the body, computes the HMAC and logs a warning; no normalize, no append",
		build: (n) => {
			const body = JSON.stringify(benchPayload("voipbin", n));
			const signature = voipbinSignature(body, "not-the-secret");
			return {
				method: "POST",
				path: ingestPath(BENCH_SOURCES.voipbin.id),
				headers: { "content-type": "application/json", "x-voipbin-signature": signature },
				body,
			};
		},
	},
	{
		name: "400 invalid payload",
		expect: 400,
		note: "correctly signed, so also verified and normalized, which fails (data is not an object); nothing is logged, nothing appended",
		build: (n) => {
			const { data: _data, ...rest } = benchPayload("voipbin", n) as Record<string, unknown>;
			const body = JSON.stringify({ ...rest, data: `not an object ${n}` });
			return {
				method: "POST",
				path: ingestPath(BENCH_SOURCES.voipbin.id),
				headers: { "content-type": "application/json", "x-voipbin-signature": voipbinSignature(body) },
				body,
			};
		},
	},
	{
		name: "200 duplicate",
		expect: 200,
		note: "the same VoIPbin event every time: everything a new event does, including the Durable Object call and the log line, except the writes (the log finds the dedupe key and stores nothing)",
		answers: /"duplicate":true/,
		build: () => {
			const req = signedRequestSync("voipbin", 0, nowSeconds());
			return { method: "POST", path: ingestPath(BENCH_SOURCES.voipbin.id), headers: req.headers, body: req.body };
		},
	},
];

/** The targets to run: BENCH_TARGETS narrows them (the no-op always runs, as the reference). */
export function selectedTargets(): Target[] {
	const wanted = process.env.BENCH_TARGETS?.split(",").map((t) => t.trim());
	return wanted ? TARGETS.filter((t) => t.name === "no-op" || wanted.includes(t.name)) : TARGETS;
}
