/**
 * The delivery statistics read model (`GET /v1/stats`, and the console's counts and charts): per
 * window, accepted events, how their deliveries stand, attempts and their latency; an hourly series
 * per subscription. Defined once: the log's `deliveryStats` returns it, the route documents it.
 */
import { z } from "@hono/zod-openapi";

const HOUR_MS = 3_600_000;

/** The windows every count is given for, by name, in milliseconds back from now. */
export const STATS_WINDOWS = { "1h": HOUR_MS, "24h": 24 * HOUR_MS } as const;
export type StatsWindow = keyof typeof STATS_WINDOWS;

/** Counts over one window. */
export const WindowCountsSchema = z
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
export type WindowCounts = z.infer<typeof WindowCountsSchema>;

const WindowsSchema = z.object({ "1h": WindowCountsSchema, "24h": WindowCountsSchema });

/** One hour-long bucket of attempts; the last bucket of a series ends now. */
export const HourBucketSchema = z.object({ start: z.string(), succeeded: z.number(), failed: z.number() });
export type HourBucket = z.infer<typeof HourBucketSchema>;

/** Events received from one source. */
export const SourceStatsSchema = z.object({
	source: z.string(),
	events: z.object({ "1h": z.number(), "24h": z.number() }),
});
export type SourceStats = z.infer<typeof SourceStatsSchema>;

/** One subscription's counts and its hourly series. */
export const SubscriptionStatsSchema = z.object({
	subscription_id: z.string(),
	windows: WindowsSchema,
	hourly: z.array(HourBucketSchema).openapi({
		description: "Attempts per hour over the last day: 24 buckets, oldest first, the last ending now",
	}),
});
export type SubscriptionStats = z.infer<typeof SubscriptionStatsSchema>;

/** Tenant-wide, per-source and per-subscription statistics over the last hour and day. */
export const DeliveryStatsSchema = z.object({
	generated_at: z.string(),
	head_sequence: z.number(),
	windows: WindowsSchema.openapi({ description: "Tenant-wide counts over the last hour and day" }),
	sources: z.array(SourceStatsSchema),
	subscriptions: z.array(SubscriptionStatsSchema),
});
export type DeliveryStats = z.infer<typeof DeliveryStatsSchema>;
