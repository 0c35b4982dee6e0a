/**
 * Read models: what the tenant log's queries return and what the API's responses document, defined
 * once. The Durable Object's queries are typed by these schemas' inferred types and the routes hand
 * the same schemas to OpenAPI, so `/openapi.json` cannot drift from what the object returns.
 *
 * Built with `@hono/zod-openapi`'s `z`: importing it is what adds `.openapi()` to zod's schemas, so
 * this module does not depend on a route having been loaded first. Times are ISO 8601 strings (UTC);
 * durations are milliseconds. Delivery statistics (`GET /v1/stats`) are in ./delivery-stats.
 */
import { z } from "@hono/zod-openapi";
import { RejectionReasonSchema, RejectionRecordSchema } from "../ingest/rejection";
import { EnvelopeSchema } from "./envelope";

/** A page of results, newest first; `next_cursor` goes back as `cursor` and is null on the last page. */
export function pageOf<T extends z.ZodType>(item: T) {
	return z.object({ data: z.array(item), next_cursor: z.string().nullable() });
}
/** A page of `T`, as `pageOf` describes it. */
export type Page<T> = { data: T[]; next_cursor: string | null };

/** One event in the log's listing. */
export const EventSummarySchema = z
	.object({ id: z.string(), sequence: z.number(), type: z.string(), source: z.string(), received_at: z.string() })
	.openapi("EventSummary");
export type EventSummary = z.infer<typeof EventSummarySchema>;

/**
 * Where a delivery stands now, as the API and the console show it (storage keeps fewer states,
 * docs/storage.md; log-queries derives these):
 * `delivered` (the subscriber answered 2xx), `failed` (dead-lettered: the schedule ran out),
 * `retrying` (an attempt failed; the next is due at `next_attempt_at`, in the future),
 * `waiting` (an ordered subscription's event behind an earlier one still open, `waiting_for_sequence`),
 * `held` (its subscription is paused or disabled; a resume sends it),
 * `queued` (an unordered delivery on the DELIVERIES queue: waiting for its consumer, or being attempted by it),
 * `in_flight` (an ordered subscription's head whose time has come: its alarm is attempting it, or is about to).
 */
export const DeliveryViewStateSchema = z
	.enum(["delivered", "failed", "retrying", "waiting", "held", "queued", "in_flight"])
	.openapi("DeliveryState");
export type DeliveryViewState = z.infer<typeof DeliveryViewStateSchema>;

/** One event's delivery to one subscription. */
export const DeliveryViewSchema = z
	.object({
		subscription_id: z.string(),
		state: DeliveryViewStateSchema,
		attempts: z.number().openapi({ description: "Attempts in the current retry schedule" }),
		next_attempt_at: z
			.string()
			.nullable()
			.openapi({ description: "When the next attempt is due: set only while `retrying`, and always in the future" }),
		waiting_for_sequence: z
			.number()
			.nullable()
			.openapi({ description: "While `waiting`: the sequence of the earlier event it waits behind" }),
		last_status: z.number().nullable(),
		last_error: z.string().nullable(),
	})
	.openapi("Delivery");
export type DeliveryView = z.infer<typeof DeliveryViewSchema>;

/** One delivery attempt, from the attempt log. */
export const AttemptViewSchema = z
	.object({
		id: z.number(),
		subscription_id: z.string(),
		event_id: z.string(),
		sequence: z.number(),
		attempt: z.number(),
		at: z.string(),
		status: z.number().nullable(),
		error: z.string().nullable(),
		latency_ms: z.number(),
		next_attempt_at: z.string().nullable(),
	})
	.openapi("Attempt");
export type AttemptView = z.infer<typeof AttemptViewSchema>;

const eventDeliveryFields = {
	deliveries: z.array(DeliveryViewSchema),
	attempts: z.array(AttemptViewSchema).openapi({ description: "Every delivery attempt, oldest first" }),
};

/** One event with its delivery state per subscription and every attempt, as the API answers it. */
export const EventDetailSchema = z
	.object({ envelope: EnvelopeSchema.openapi("Envelope"), ...eventDeliveryFields })
	.openapi("EventDetail");
export type EventDetail = z.infer<typeof EventDetailSchema>;

/**
 * `EventDetail` as the log returns it over RPC: the envelope as its exact stored JSON, the bytes that
 * were signed and sent (RPC types cannot carry the envelope's `unknown` fields). The route parses it once.
 */
export const StoredEventDetailSchema = z.object({ envelope: z.string(), ...eventDeliveryFields });
export type StoredEventDetail = z.infer<typeof StoredEventDetailSchema>;

/** Where a subscription's delivery stands in the log. */
export const SubscriptionStateSchema = z.object({
	head_sequence: z.number(),
	backlog: z.number().openapi({ description: "Events still to deliver (open deliveries)" }),
	cursor: z
		.number()
		.openapi({ description: "The last sequence delivered or dead-lettered with nothing open before it" }),
	last_success_at: z.string().nullable(),
	last_error: z.object({ at: z.string(), status: z.number().nullable(), error: z.string().nullable() }).nullable(),
	oldest_open: z
		.object({ sequence: z.number() })
		.extend(DeliveryViewSchema.omit({ subscription_id: true }).shape)
		.nullable()
		.openapi({
			description:
				"The oldest open delivery (an ordered subscription's head) and its state: why the backlog is not moving; null when nothing is open",
		}),
	in_flight: z
		.number()
		.openapi({ description: "Attempts in flight through the DELIVERIES queue (unordered and per_key subscriptions)" }),
	backlog_keys: z
		.number()
		.nullable()
		.openapi({ description: "For per_key subscriptions: how many keys have events still to deliver; else null" }),
	oldest_waiting: z
		.object({ sequence: z.number(), event_id: z.string(), received_at: z.string() })
		.nullable()
		.openapi({ description: "The oldest event still to deliver, or null when nothing waits" }),
});
export type SubscriptionState = z.infer<typeof SubscriptionStateSchema>;

/** The log's size and head. */
export const LogStatsSchema = z.object({
	head_sequence: z.number(),
	events: z.number(),
	unmatched_events: z.number().openapi({ description: "Events that matched no subscription when appended" }),
});
export type LogStats = z.infer<typeof LogStatsSchema>;

/** One refused request to a source, as recorded (src/ingest/rejection.ts), with its hint. */
export const RejectionSchema = RejectionRecordSchema.extend({
	id: z.number().openapi({ description: "The refusal's ordinal number for this source (its cursor)" }),
	reason: RejectionReasonSchema.openapi({ description: "Why it was refused; see `hint`" }),
	hint: z.string().openapi({ description: "What to check, in one line" }),
	header_names: z.array(z.string()).openapi({ description: "The request's header names, never their values" }),
}).openapi("Rejection");
export type Rejection = z.infer<typeof RejectionSchema>;

/** A source's refusal counters: every refused request since `since`, recorded in full or not. */
export const RejectionCountsSchema = z
	.object({
		total: z.number(),
		by_reason: z.partialRecord(RejectionReasonSchema, z.number()),
		since: z.string().nullable().openapi({ description: "When counting began (the first refusal)" }),
		last_at: z.string().nullable(),
	})
	.openapi("RejectionCounts");
export type RejectionCounts = z.infer<typeof RejectionCountsSchema>;

/** A page of a source's recent rejections, newest first, and its counters. */
export const RejectionPageSchema = pageOf(RejectionSchema)
	.extend({ counts: RejectionCountsSchema })
	.openapi("Rejections");
export type RejectionPage = z.infer<typeof RejectionPageSchema>;
