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

export const SubscriptionStatusSchema = z.enum(["active", "paused", "disabled"]);
export type SubscriptionStatus = z.infer<typeof SubscriptionStatusSchema>;

export const SubscriptionSchema = z.object({
	id: SubscriptionIdSchema,
	url: z.url({ protocol: /^https?$/ }),
	event_types: z.array(EventTypePatternSchema).min(1).max(100).default(["*"]),
	sources: z.array(SlugSchema).min(1).max(100).optional(),
	ordering: z.enum(["ordered", "unordered"]).default("ordered"),
	retry_schedule: RetryScheduleSchema.optional(),
	on_exhausted: z.enum(["dead_letter", "pause"]).default("dead_letter"),
	/** Newest first. Older entries still sign until `rotated_at` + the rotation overlap. */
	secrets: z.array(WhsecSchema).min(1).max(5),
	rotated_at: z.number().int().optional(),
	status: SubscriptionStatusSchema.default("active"),
	description: z.string().max(500).optional(),
});
export type Subscription = z.infer<typeof SubscriptionSchema>;
export type SubscriptionInput = z.input<typeof SubscriptionSchema>;

/** How long a replaced secret keeps signing after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/** The secrets that sign a delivery at `now`: the newest, plus older ones inside the overlap. */
export function activeSecrets(sub: Subscription, now: number): string[] {
	const [newest, ...older] = sub.secrets;
	const overlap = sub.rotated_at !== undefined && now < sub.rotated_at + ROTATION_OVERLAP_MS;
	return [newest as string, ...(overlap ? older : [])];
}
