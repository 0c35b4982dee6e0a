/** Tenant route: delivery statistics for the last hour and day, which the console's counts and charts read. */
import { createRoute, z } from "@hono/zod-openapi";
import { requireTenant } from "../../auth";
import { apiApp, errors, json } from "./common";

const WindowCountsSchema = z
	.object({
		accepted: z.number().openapi({ description: "Events received (per subscription: those routed to it)" }),
		delivered: z.number().openapi({ description: "Of those events' deliveries, how many are delivered" }),
		failed: z.number().openapi({ description: "... dead-lettered after their retry schedule" }),
		pending: z.number().openapi({ description: "... still open (waiting, retrying, in flight or paused)" }),
		attempts: z.number().openapi({ description: "Delivery attempts made in the window" }),
		succeeded: z.number().openapi({ description: "Attempts the subscriber answered with 2xx" }),
		latency_ms: z
			.object({ p50: z.number().nullable(), p99: z.number().nullable() })
			.openapi({ description: "Attempt latency (subscriber response time) percentiles; null without attempts" }),
	})
	.openapi("StatsWindow");

const WindowsSchema = z.object({ "1h": WindowCountsSchema, "24h": WindowCountsSchema });

const StatsSchema = z
	.object({
		tenant: z.string(),
		generated_at: z.string(),
		head_sequence: z.number(),
		windows: WindowsSchema.openapi({ description: "Tenant-wide counts over the last hour and day" }),
		sources: z.array(
			z.object({
				source: z.string(),
				events: z.object({ "1h": z.number(), "24h": z.number() }),
			}),
		),
		subscriptions: z.array(
			z.object({
				subscription_id: z.string(),
				windows: WindowsSchema,
				hourly: z.array(z.object({ start: z.string(), succeeded: z.number(), failed: z.number() })).openapi({
					description: "Attempts per hour over the last day: 24 buckets, oldest first, the last ending now",
				}),
			}),
		),
	})
	.openapi("Stats", {
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
