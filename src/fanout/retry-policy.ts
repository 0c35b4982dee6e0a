/**
 * What happens to a delivery after an attempt: delivered, retried later, dead-lettered, or the
 * subscription paused or disabled. Pure, so every branch is unit-tested without a subscriber.
 */
import type { Subscription } from "../schema/subscription";
import { DEFAULT_RETRY_SCHEDULE, nextDelayMs } from "./backoff";
import type { Classification } from "./classify";

export type Decision =
	| { kind: "delivered" }
	| { kind: "retry"; nextAt: number }
	/** Schedule exhausted, `on_exhausted: dead_letter`: the event is failed for this subscription. */
	| { kind: "dead_letter" }
	/** Schedule exhausted, `on_exhausted: pause`: the subscription stops with this event at its head. */
	| { kind: "pause" }
	/** 410 Gone: the subscriber wants no more; the subscription is disabled, the event stays pending. */
	| { kind: "disable" };

/**
 * Decides after attempt number `attempt` (1-based, counted since the subscription last started
 * this event's schedule). `random` in [0, 1) picks the jitter.
 */
export function decide(
	sub: Pick<Subscription, "retry_schedule" | "on_exhausted">,
	attempt: number,
	result: Classification,
	now: number,
	random: number,
): Decision {
	switch (result.outcome) {
		case "delivered":
			return { kind: "delivered" };
		case "gone":
			return { kind: "disable" };
		case "retry": {
			const delay = nextDelayMs(sub.retry_schedule ?? DEFAULT_RETRY_SCHEDULE, attempt, random, result.retryAfterMs);
			if (delay !== null) return { kind: "retry", nextAt: now + delay };
			return sub.on_exhausted === "pause" ? { kind: "pause" } : { kind: "dead_letter" };
		}
		default: {
			const unreachable: never = result;
			throw new Error(`unknown classification ${JSON.stringify(unreachable)}`);
		}
	}
}
