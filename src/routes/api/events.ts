/** Tenant routes: the event log, one event's delivery state, and redelivery. */
import { createRoute, z } from "@hono/zod-openapi";
import { requireTenant } from "../../auth";
import { notFound } from "../../problem";
import type { Envelope } from "../../schema/envelope";
import { parseExactJson } from "../../schema/raw-numbers";
import { EventDetailSchema, EventSummarySchema, pageOf } from "../../schema/read-models";
import { apiApp, body, errors, json, numericCursor, PageQuerySchema, SlugParam } from "./common";

const ListQuerySchema = PageQuerySchema.extend({
	type: z
		.string()
		.max(200)
		.optional()
		.openapi({ param: { name: "type", in: "query" }, example: "message.received" }),
	source: SlugParam.optional().openapi({ param: { name: "source", in: "query" } }),
});

const Params = z.object({
	id: z
		.string()
		.max(100)
		.openapi({ param: { name: "id", in: "path" }, example: "evt_01JD..." }),
});
const RedeliverSchema = z
	.object({ subscription_id: z.string().max(100).optional() })
	.strict()
	.openapi("Redeliver");
const security = [{ tenantKey: [] }];

export const events = apiApp();
events.use("/v1/events", requireTenant);
events.use("/v1/events/*", requireTenant);

events.openapi(
	createRoute({
		method: "get",
		path: "/v1/events",
		tags: ["Events"],
		summary: "List events, newest first",
		security,
		request: { query: ListQuerySchema },
		responses: { 200: json(pageOf(EventSummarySchema), "A page of events"), ...errors(401, 422) },
	}),
	async (c) => {
		const { limit, cursor, type, source } = c.req.valid("query");
		const cur = numericCursor(cursor);
		const page = await c.env.TENANT.getByName(c.get("tenant")).listEvents({
			limit,
			...(cur !== undefined ? { cursor: cur } : {}),
			...(type ? { type } : {}),
			...(source ? { source } : {}),
		});
		return c.json(page, 200);
	},
);

events.openapi(
	createRoute({
		method: "get",
		path: "/v1/events/{id}",
		tags: ["Events"],
		summary: "One event's envelope and its delivery state per subscription",
		security,
		request: { params: Params },
		responses: { 200: json(EventDetailSchema, "The event"), ...errors(401, 404) },
	}),
	async (c) => {
		const detail = await c.env.TENANT.getByName(c.get("tenant")).getEvent(c.req.valid("param").id);
		if (!detail) throw notFound();
		// The log keeps the exact signed text; one parse here re-embeds it in the answer.
		const { deliveries, attempts } = detail;
		// Parsed so that the provider's numbers in `raw` are answered digit for digit, as they were stored.
		return c.json({ envelope: parseExactJson(detail.envelope) as Envelope, deliveries, attempts }, 200);
	},
);

events.openapi(
	createRoute({
		method: "post",
		path: "/v1/events/{id}/redeliver",
		tags: ["Events"],
		summary: "Send an event again, to one subscription or every subscription it matches",
		security,
		request: { params: Params, body: body(RedeliverSchema, false) },
		responses: {
			202: json(z.object({ subscriptions: z.array(z.string()) }), "Queued for delivery"),
			...errors(400, 401, 404, 415, 422),
		},
	}),
	async (c) => {
		const { subscription_id } = c.req.valid("json");
		const result = await c.env.TENANT.getByName(c.get("tenant")).redeliver(c.req.valid("param").id, subscription_id);
		if (!result) throw notFound();
		return c.json(result, 202);
	},
);
