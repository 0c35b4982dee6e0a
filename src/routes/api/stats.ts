/** Tenant route: delivery statistics for the last hour and day, which the console's counts and charts read. */
import { createRoute, z } from "@hono/zod-openapi";
import { requireTenant } from "../../auth";
import { DeliveryStatsSchema } from "../../schema/delivery-stats";
import { apiApp, errors, json } from "./common";

const StatsSchema = DeliveryStatsSchema.extend({ tenant: z.string() }).openapi("Stats", {
	description:
		"Sources list only those with events in the last day; every subscription is listed. Events and attempts older than the retention are gone.",
});

export const stats = apiApp();
stats.use("/v1/stats", requireTenant);

stats.openapi(
	createRoute({
		method: "get",
		path: "/v1/stats",
		tags: ["Stats"],
		summary: "Accepted events, delivery states, attempt success and latency over 1 h and 24 h",
		security: [{ tenantKey: [] }],
		responses: { 200: json(StatsSchema, "The tenant's statistics"), ...errors(401) },
	}),
	async (c) => {
		const tenant = c.get("tenant");
		const stats = await c.env.TENANT.getByName(tenant).deliveryStats();
		return c.json({ tenant, ...stats }, 200);
	},
);
