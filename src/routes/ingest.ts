/**
 * The front door: `/in/{tenant}/{source}`, with the methods each provider can send (POST and PUT for all). Hands the request's parts to the ingest pipeline
 * (src/ingest/pipeline.ts) and answers with its outcome. A 200 means hookfan durably holds the event.
 * Refusals of requests to a known source go to the tenant's rejection log, throttled
 * (src/ingest/rejection-throttle.ts), after the answer.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { handOff } from "../fanout/hand-off";
import { ingestResponse } from "../ingest/outcome";
import { runIngest } from "../ingest/pipeline";
import { type ReportContext, reportRefusal } from "../ingest/rejection-throttle";
import { providerOf } from "../providers";
import { readSource } from "../source-store";

export const ingest = new Hono<{ Bindings: Env }>();

function reporting(c: Context<{ Bindings: Env }>, tenant: string, source: string): ReportContext {
	return {
		tenant,
		source,
		method: c.req.method,
		headers: c.req.raw.headers,
		send: (batch) => c.env.TENANT.getByName(tenant).recordRejections(batch),
		waitUntil: (work) => c.executionCtx.waitUntil(work),
		now: Date.now,
	};
}

// Every method reaches the pipeline: which ones a source takes is its provider's (the registry's
// `methods`); the others, HEAD and OPTIONS always among them, get 405 with that provider's `Allow`.
ingest.all("/:tenant/:source", async (c) => {
	const { tenant, source } = c.req.param();
	const method = c.req.raw.method.toUpperCase();
	const outcome = await runIngest(
		{
			tenant,
			source,
			method,
			url: new URL(c.req.url),
			headers: c.req.raw.headers,
			// A HEAD is answered as a GET by Hono; it never carries an event, so its body is never read.
			body: method === "HEAD" ? null : c.req.raw.body,
		},
		{
			readSource: (t, s) => readSource(c.env.CONFIG, t, s),
			providerOf,
			handOff: (input) => handOff(c.env, input),
			now: Date.now,
			recordRefusal: (refusal, bodyBytes) => reportRefusal(reporting(c, tenant, source), refusal, bodyBytes),
		},
	);
	return ingestResponse(outcome);
});
