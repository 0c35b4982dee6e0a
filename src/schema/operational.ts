/**
 * Operational events: what hookfan itself tells a tenant about its subscriptions and sources, as
 * events in the tenant's own log (`provider` and `source` both `hookfan`, a source id no tenant may
 * create). They reach only subscriptions whose `event_types` name them (`hookfan.*` or an exact
 * type): `*` alone does not match them, so a catch-all subscriber is not surprised by them. An event
 * about a subscription never goes to that subscription.
 */
import { z } from "zod";
import { SlugSchema } from "./envelope.ts"; // with its extension: the catalog loads this file under Node's type stripping

/** The provider and the source of every operational event; reserved, so no tenant's source has this id. */
export const OPERATIONAL_SOURCE = "hookfan";

/** The prefix every operational type has; a `*` pattern does not match these types. */
export const OPERATIONAL_PREFIX = "hookfan.";

export const SubscriptionNoticeDataSchema = z.object({
	subscription_id: z.string().describe("The subscription the event is about (never delivered to it)"),
	status: z.enum(["active", "paused", "disabled"]).describe("Its status after what happened"),
	reason: z
		.enum(["gone", "exhausted", "consecutive_failures", "delivered"])
		.describe(
			"`gone`: the subscriber answered 410; `exhausted`: the retry schedule ran out with `on_exhausted: pause`; `consecutive_failures`: a run of failed attempts; `delivered`: an attempt succeeded after them",
		),
	consecutive_failures: z
		.number()
		.int()
		.min(0)
		.describe("Failed attempts in a row up to the latest one (counted up to 5)"),
	last_error: z
		.object({ status: z.number().int().nullable(), error: z.string().nullable() })
		.nullable()
		.describe("The latest failed attempt's HTTP status and error class, or null"),
});
export type SubscriptionNoticeData = z.infer<typeof SubscriptionNoticeDataSchema>;

export const SourceRejectingDataSchema = z.object({
	source_id: SlugSchema.describe("The source refusing requests"),
	rejected: z.number().int().min(0).describe("Requests refused in the window"),
	accepted: z
		.number()
		.int()
		.min(0)
		.nullable()
		.describe("Requests accepted in the window, or null when the refusal log does not know it"),
	window_seconds: z.number().int().positive().describe("How long the window is"),
});
export type SourceRejectingData = z.infer<typeof SourceRejectingDataSchema>;

/** Every operational type, its meaning and its `data`. */
export const OPERATIONAL_TYPES = {
	"hookfan.subscription.disabled": {
		description: "hookfan disabled a subscription: its subscriber answered 410 Gone. Resume it to deliver again.",
		data: SubscriptionNoticeDataSchema,
	},
	"hookfan.subscription.paused": {
		description:
			"hookfan paused a subscription: an event's retry schedule ran out and its `on_exhausted` is `pause`. Resume it to retry.",
		data: SubscriptionNoticeDataSchema,
	},
	"hookfan.subscription.failing": {
		description: "A subscription's attempts failed several times in a row (5). At most once an hour per subscription.",
		data: SubscriptionNoticeDataSchema,
	},
	"hookfan.subscription.recovered": {
		description: "A subscription that was reported failing delivered an event again.",
		data: SubscriptionNoticeDataSchema,
	},
	"hookfan.source.rejecting": {
		description:
			"A source started refusing most of its requests (bad signatures, say): a provider may have changed its secret. At most once an hour per source.",
		data: SourceRejectingDataSchema,
	},
} as const;
export type OperationalType = keyof typeof OPERATIONAL_TYPES;

/** The operational types, in catalog order. */
export const OPERATIONAL_TYPE_NAMES = Object.keys(OPERATIONAL_TYPES) as OperationalType[];

export function isOperationalType(type: string): type is OperationalType {
	return Object.hasOwn(OPERATIONAL_TYPES, type);
}

/** The subscription an event is about, if it is an operational event about one: it never goes there. */
export function operationalSubject(event: { type: string; data?: unknown }): string | null {
	if (!event.type.startsWith("hookfan.subscription.")) return null;
	const id = (event.data as { subscription_id?: unknown } | undefined)?.subscription_id;
	return typeof id === "string" ? id : null;
}

/** A pending operational envelope: hookfan is its provider and its source, `raw` is null. */
export function operationalEnvelope(
	type: OperationalType,
	data: SubscriptionNoticeData | SourceRejectingData,
	tenant: string,
	id: string,
	now: number,
) {
	const at = new Date(now).toISOString();
	return {
		id,
		type,
		tenant,
		source: OPERATIONAL_SOURCE,
		provider: OPERATIONAL_SOURCE,
		provider_type: type,
		occurred_at: at,
		received_at: at,
		data: data as Record<string, unknown>,
		// What it is about, in the envelope's `<resource>:<id>` form (the default per-key ordering key).
		subject: "subscription_id" in data ? `subscription:${data.subscription_id}` : `source:${data.source_id}`,
		raw: null,
	};
}

/** An example `data` of each operational type, for the catalog. */
export function exampleOperationalData(type: OperationalType): SubscriptionNoticeData | SourceRejectingData {
	if (type === "hookfan.source.rejecting")
		return { source_id: "main", rejected: 120, accepted: 2, window_seconds: 300 };
	const failed = { status: 500, error: "http_status" };
	const byType = {
		"hookfan.subscription.disabled": { status: "disabled", reason: "gone", last: { status: 410, error: "gone" } },
		"hookfan.subscription.paused": { status: "paused", reason: "exhausted", last: failed },
		"hookfan.subscription.failing": { status: "active", reason: "consecutive_failures", last: failed },
		"hookfan.subscription.recovered": { status: "active", reason: "delivered", last: null },
	} as const;
	const { status, reason, last } = byType[type];
	return {
		subscription_id: "sub_01JD8X3Q9Z4M6N7P8R9S0T1V2W",
		status,
		reason,
		consecutive_failures: last ? 5 : 0,
		last_error: last,
	};
}
