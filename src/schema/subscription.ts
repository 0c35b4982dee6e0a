/**
 * A subscription: where a tenant's events go. The tenant's Durable Object holds it, for the API and
 * for delivery alike.
 */
import { z } from "zod";
import { WhsecSchema } from "../crypto/standard-webhooks";
import { SlugSchema } from "./envelope";

/** `*`, `resource.*`, or an exact type such as `call.hangup` or `voipbin.agent_created`. */
export const EventTypePatternSchema = z
	.string()
	.regex(/^(\*|[a-z0-9_]+\.\*|[a-z0-9_]+\.[a-z0-9_.-]+)$/, "must be *, resource.* or an exact event type");

export const RetryScheduleSchema = z.array(z.number().int().min(1).max(86_400)).min(1).max(20);

export const SubscriptionIdSchema = z.string().regex(/^sub_[0-9A-Za-z]{1,64}$/);

/** At most this many secrets sign at once: the current one and those still inside their overlap. */
export const MAX_ACTIVE_SECRETS = 5;

/**
 * `ordered`: strictly in sequence, one attempt in flight. `per_key`: events with the same key (see
 * `ordering_key`) in sequence, one in flight per key, keys in parallel. `unordered`: any order.
 */
export const OrderingSchema = z.enum(["ordered", "per_key", "unordered"]);
export type Ordering = z.infer<typeof OrderingSchema>;

/** A JSON Pointer (RFC 6901): empty (the whole envelope) or `/`-separated tokens, `~` only as `~0` or `~1`. */
export const JsonPointerSchema = z
	.string()
	.max(200)
	.regex(/^(\/([^~/]|~[01])*)*$/, "must be a JSON Pointer (RFC 6901), such as /subject or /data/contact_id");

/** The key `per_key` subscriptions order by when they name none. */
export const DEFAULT_ORDERING_KEY = "/subject";
/** Attempts in flight at once for a `per_key` or `unordered` subscription that names no limit. */
export const DEFAULT_MAX_IN_FLIGHT = 10;
/** The highest `max_in_flight` a subscription may ask for. */
export const MAX_IN_FLIGHT_LIMIT = 100;

/** The highest `rate_limit_per_second` a subscription may ask for. */
export const MAX_RATE_PER_SECOND = 1000;

/** The most events one `batch` delivery carries. */
export const MAX_BATCH_EVENTS = 100;
/** The longest a `batch` waits for more events before sending what it has, in milliseconds. */
export const MAX_BATCH_WAIT_MS = 10_000;

/**
 * For `ordered` only: deliver up to `max_events` events at once as a JSON array, waiting up to
 * `max_wait_ms` after the oldest was appended for the batch to fill.
 */
export const BatchSchema = z
	.object({
		max_events: z.number().int().min(1).max(MAX_BATCH_EVENTS),
		max_wait_ms: z.number().int().min(0).max(MAX_BATCH_WAIT_MS),
	})
	.strict();
export type Batch = z.infer<typeof BatchSchema>;

export const SubscriptionStatusSchema = z.enum(["active", "paused", "disabled"]);
export type SubscriptionStatus = z.infer<typeof SubscriptionStatusSchema>;

/**
 * `webhook` (the default): hookfan POSTs each event to `url`, signed. `polling`: no URL and no secret;
 * the subscriber pulls with `GET /v1/subscriptions/{id}/poll` (src/fanout/polling.ts).
 */
export const SubscriptionTypeSchema = z.enum(["webhook", "polling"]);
export type SubscriptionType = z.infer<typeof SubscriptionTypeSchema>;

/** Fields that only a webhook subscription has: a polling one refuses them. */
export const WEBHOOK_ONLY_FIELDS = [
	"url",
	"ordering",
	"ordering_key",
	"max_in_flight",
	"retry_schedule",
	"on_exhausted",
	"batch",
	"rate_limit_per_second",
] as const;

export const SubscriptionSchema = z.object({
	id: SubscriptionIdSchema,
	type: SubscriptionTypeSchema.default("webhook"),
	/** Required for a webhook subscription, absent for a polling one (`subscriptionShapeProblem`). */
	url: z.url({ protocol: /^https?$/ }).optional(),
	event_types: z.array(EventTypePatternSchema).min(1).max(100).default(["*"]),
	sources: z.array(SlugSchema).min(1).max(100).optional(),
	ordering: OrderingSchema.default("ordered"),
	/** For `per_key`: where the key is in the envelope; null or missing keys share one key. Default `/subject`. */
	ordering_key: JsonPointerSchema.optional(),
	/** For `per_key` and `unordered`: attempts in flight at once. Default DEFAULT_MAX_IN_FLIGHT. */
	max_in_flight: z.number().int().min(1).max(MAX_IN_FLIGHT_LIMIT).optional(),
	retry_schedule: RetryScheduleSchema.optional(),
	/** At most this many attempts start in any one second, across every lane and worker (./fanout/pace.ts). */
	rate_limit_per_second: z.number().int().min(1).max(MAX_RATE_PER_SECOND).optional(),
	/** For `ordered` only: events sent together as one JSON array (./fanout/batch.ts). */
	batch: BatchSchema.optional(),
	on_exhausted: z.enum(["dead_letter", "pause"]).default("dead_letter"),
	/** Newest first: `secrets[0]` is current; each older one signs until its own expiry (below). */
	/** Empty for a polling subscription, which signs nothing; at least one for a webhook (below). */
	secrets: z.array(WhsecSchema).max(MAX_ACTIVE_SECRETS).default([]),
	/** When the last rotation happened (ms since epoch). */
	rotated_at: z.number().int().optional(),
	/**
	 * `retired_until[i]` is when `secrets[i + 1]` stops signing (ms since epoch). Absent on records
	 * written before per-secret expiry: their older secrets then all expire at `rotated_at` + overlap.
	 */
	retired_until: z
		.array(z.number().int())
		.max(MAX_ACTIVE_SECRETS - 1)
		.optional(),
	status: SubscriptionStatusSchema.default("active"),
	description: z.string().max(500).optional(),
});
export type Subscription = z.infer<typeof SubscriptionSchema>;
export type SubscriptionInput = z.input<typeof SubscriptionSchema>;

/**
 * What makes a stored subscription inconsistent for its type, or null: a webhook needs a URL and a
 * secret; a polling subscription has neither. Kept apart from the zod object because zod 4 refuses
 * `.pick`/`.omit` on refined objects, and the routes pick from it. (Which request fields a polling
 * subscription refuses is the routes' business: `WEBHOOK_ONLY_FIELDS`.)
 */
export function subscriptionShapeProblem(
	sub: Pick<Subscription, "type" | "url" | "secrets"> & Partial<Pick<Subscription, "ordering" | "batch">>,
): string | null {
	if (sub.batch !== undefined && (sub.type !== "webhook" || sub.ordering !== "ordered"))
		return "batch: only an ordered webhook subscription sends batches";
	if (sub.type === "webhook") {
		if (sub.url === undefined) return "url: required for a webhook subscription";
		if (sub.secrets.length === 0) return "secrets: a webhook subscription needs a signing secret";
		return null;
	}
	if (sub.url !== undefined)
		return "url: a polling subscription has none (it is read with GET /v1/subscriptions/{id}/poll)";
	if (sub.secrets.length > 0) return "secrets: a polling subscription signs nothing";
	return null;
}

/** The attempts a `per_key` or `unordered` subscription may have in flight at once. */
export function maxInFlight(sub: Subscription): number {
	return sub.max_in_flight ?? DEFAULT_MAX_IN_FLIGHT;
}

/** How long a replaced secret keeps signing after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/** The older secrets with the time each stops signing (ms since epoch), newest first. */
function retiredSecrets(sub: Subscription): { secret: string; until: number }[] {
	const legacyUntil = (sub.rotated_at ?? 0) + ROTATION_OVERLAP_MS;
	return sub.secrets.slice(1).map((secret, i) => ({ secret, until: sub.retired_until?.[i] ?? legacyUntil }));
}

/** The secrets that sign a delivery at `now`: the newest, plus each older one until its own expiry. */
export function activeSecrets(sub: Subscription, now: number): string[] {
	const still = retiredSecrets(sub).filter((r) => now < r.until);
	return [sub.secrets[0] as string, ...still.map((r) => r.secret)];
}

export type Rotation =
	| { ok: true; sub: Subscription }
	| { ok: false; reason: "too_many_active_secrets"; retryAt: number };

/**
 * Makes `secret` current. The replaced one keeps signing for ROTATION_OVERLAP_MS from `now`, and
 * every secret already inside its overlap keeps its own expiry, so a second rotation never cuts the
 * first one's overlap short. Expired secrets are dropped. When MAX_ACTIVE_SECRETS would still sign
 * at once, nothing changes and `retryAt` says when the oldest one expires (ms since epoch).
 */
export function rotateSecret(sub: Subscription, secret: string, now: number): Rotation {
	const still = retiredSecrets(sub).filter((r) => now < r.until);
	const retired = [{ secret: sub.secrets[0] as string, until: now + ROTATION_OVERLAP_MS }, ...still];
	if (retired.length + 1 > MAX_ACTIVE_SECRETS) {
		return { ok: false, reason: "too_many_active_secrets", retryAt: Math.min(...still.map((r) => r.until)) };
	}
	return {
		ok: true,
		sub: {
			...sub,
			secrets: [secret, ...retired.map((r) => r.secret)],
			retired_until: retired.map((r) => r.until),
			rotated_at: now,
		},
	};
}
