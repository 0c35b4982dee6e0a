/**
 * hookfan: the whole system on one screen. Providers post to /in/{tenant}/{source}; events go to
 * the tenant's Durable Object (TenantLog) or, when it is unreachable, wait in the EVENTS queue.
 */
import { Hono } from "hono";
import { consumeDeliveries } from "./fanout/deliveries-consumer";
import { consumeEvents } from "./fanout/events-consumer";
import { notFound, onError } from "./problem";
import { ingest } from "./routes/ingest";

export { TenantLog } from "./fanout/tenant-log";

const app = new Hono<{ Bindings: Env }>();
app.onError(onError);
app.notFound(() => {
	throw notFound();
});
app.get("/healthz", (c) => c.json({ ok: true }));
app.route("/in", ingest);

export default {
	fetch: app.fetch,
	async queue(batch, env) {
		if (batch.queue.startsWith("hookfan-events")) return consumeEvents(batch, env);
		if (batch.queue.startsWith("hookfan-deliveries")) return consumeDeliveries(batch, env);
		throw new Error(`no consumer for queue ${batch.queue}`);
	},
} satisfies ExportedHandler<Env>;
