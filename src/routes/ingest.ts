/**
 * The front door: `POST|PUT /in/{tenant}/{source}`. Hands the request's parts to the ingest pipeline
 * (src/ingest/pipeline.ts) and answers with its outcome. A 200 means hookfan durably holds the event.
 * Refusals of requests to a known source go to the tenant's rejection log, throttled
 * (src/ingest/rejection-throttle.ts), after the answer.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { handOff } from "../fanout/hand-off";
import { ingestResponse } from "../ingest/outcome";
import { runIngest } from "../ingest/pipeline";
import { type ReportContext, reportRefusal, reportRejection } from "../ingest/rejection-throttle";
import { problem } from "../problem";
import { providerOf } from "../providers";
import { SlugSchema } from "../schema/envelope";
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

ingest.on(["POST", "PUT"], "/:tenant/:source", async (c) => {
	const { tenant, source } = c.req.param();
	const outcome = await runIngest(
		{ tenant, source, url: new URL(c.req.url), headers: c.req.raw.headers, body: c.req.raw.body },
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

ingest.all("/:tenant/:source", async (c) => {
	const { tenant, source } = c.req.param();
	// Recorded only for a source that exists; the path's ids are unvalidated until here.
	const slugs = SlugSchema.safeParse(tenant).success && SlugSchema.safeParse(source).success;
	if (slugs && (await readSource(c.env.CONFIG, tenant, source))) {
		reportRejection(reporting(c, tenant, source), "method_not_allowed", {}, null);
	}
	throw problem("method_not_allowed", {}, { allow: "POST, PUT" });
});
