/**
 * hookfan: the whole system on one screen. Providers post to /in/{tenant}/{source}; events go to
 * the tenant's Durable Object (TenantLog) or, when it is unreachable, wait in the EVENTS queue.
 * Tenants manage sources and subscriptions through /v1; /docs describes it.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { consumeDeliveries } from "./fanout/deliveries-consumer";
import { consumeEvents } from "./fanout/events-consumer";
import { notFound, onError } from "./problem";
import type { AppEnv } from "./routes/api/common";
import { eventTypes } from "./routes/api/event-types";
import { events } from "./routes/api/events";
import { sources } from "./routes/api/sources";
import { stats } from "./routes/api/stats";
import { subscriptions } from "./routes/api/subscriptions";
import { tenants } from "./routes/api/tenants";
import { mountDocs } from "./routes/docs";
import { mountHome } from "./routes/home";
import { ingest } from "./routes/ingest";
import { mountSchemas } from "./routes/schemas";

export { TenantLog } from "./fanout/tenant-log";

const app = new OpenAPIHono<AppEnv>();
app.onError(onError);
app.notFound(() => {
	throw notFound();
});
mountHome(app);
app.get("/healthz", (c) => c.json({ ok: true }));
app.route("/in", ingest);
app.route("/", tenants);
app.route("/", sources);
app.route("/", subscriptions);
app.route("/", events);
app.route("/", stats);
app.route("/", eventTypes);
mountSchemas(app);
mountDocs(app);

export default {
	fetch: app.fetch,
	async queue(batch, env, ctx) {
		if (batch.queue.startsWith("hookfan-events")) return consumeEvents(batch, env);
		if (batch.queue.startsWith("hookfan-deliveries")) return consumeDeliveries(batch, env, ctx);
		throw new Error(`no consumer for queue ${batch.queue}`);
	},
} satisfies ExportedHandler<Env>;
