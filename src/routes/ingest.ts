/**
 * The front door: `POST|PUT /in/{tenant}/{source}`. Hands the request's parts to the ingest pipeline
 * (src/ingest/pipeline.ts) and answers with its outcome. A 200 means hookfan durably holds the event.
 */
import { Hono } from "hono";
import { handOff } from "../fanout/hand-off";
import { ingestResponse } from "../ingest/outcome";
import { runIngest } from "../ingest/pipeline";
import { problem } from "../problem";
import { providerOf } from "../providers";
import { readSource } from "../source-store";

export const ingest = new Hono<{ Bindings: Env }>();

ingest.on(["POST", "PUT"], "/:tenant/:source", async (c) => {
	const { tenant, source } = c.req.param();
	const outcome = await runIngest(
		{ tenant, source, url: new URL(c.req.url), headers: c.req.raw.headers, body: c.req.raw.body },
		{
			readSource: (t, s) => readSource(c.env.CONFIG, t, s),
			providerOf,
			handOff: (input) => handOff(c.env, input),
			now: Date.now,
		},
	);
	return ingestResponse(outcome);
});

ingest.all("/:tenant/:source", () => {
	throw problem("method_not_allowed", {}, { allow: "POST, PUT" });
});
