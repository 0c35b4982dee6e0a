/**
 * A subscription's pace: `rate_limit_per_second` (no more attempt starts in any one-second window)
 * and the subscription-wide `not_before` a 429 or 503 with Retry-After sets. The tenant's Durable
 * Object is the one dispatcher of every attempt (the ordered lanes inside it, and `claim` for the
 * queue consumer), so it keeps both in memory, bounded: at most `rate_limit_per_second` start times
 * per subscription. If the object is evicted both are forgotten: right after, a subscription may get
 * up to one more window's worth of starts, and other events no longer wait for a Retry-After (the
 * delivery that got it still does: its retry is scheduled no sooner).
 */
import type { Subscription } from "../schema/subscription";

/**
 * The window the limit counts in, with a guard: an attempt starts in the sender a little after the
 * object grants it and reaches the subscriber later still, and that jitter must not put one start
 * too many into the subscriber's view of a second.
 */
export const RATE_WINDOW_MS = 1000 + 50;

export class SubscriptionPace {
	/** Per subscription, the latest attempt starts (ms since epoch), oldest first; at most its rate. */
	readonly #starts = new Map<string, number[]>();
	/** Per subscription, no attempt starts before this (ms since epoch). */
	readonly #notBefore = new Map<string, number>();

	/** How long until `sub` may start an attempt, in ms: 0 when it may start one now. */
	wait(sub: Subscription, now: number): number {
		const notBefore = this.#notBefore.get(sub.id) ?? 0;
		let at = notBefore;
		const rate = sub.rate_limit_per_second;
		const starts = this.#starts.get(sub.id);
		if (rate !== undefined && starts && starts.length >= rate) {
			// The window is full while its oldest start is younger than the window.
			at = Math.max(at, (starts[starts.length - rate] as number) + RATE_WINDOW_MS);
		}
		if (notBefore <= now) this.#notBefore.delete(sub.id);
		return Math.max(0, at - now);
	}

	/** Counts an attempt of `sub` starting at `now`. */
	start(sub: Subscription, now: number): void {
		const rate = sub.rate_limit_per_second;
		if (rate === undefined) {
			this.#starts.delete(sub.id);
			return;
		}
		const starts = this.#starts.get(sub.id) ?? [];
		starts.push(now);
		if (starts.length > rate) starts.splice(0, starts.length - rate);
		this.#starts.set(sub.id, starts);
	}

	/** Holds every attempt of the subscription until `until` (ms since epoch): a Retry-After. */
	holdUntil(subId: string, until: number): void {
		if (until > (this.#notBefore.get(subId) ?? 0)) this.#notBefore.set(subId, until);
	}

	/** Forgets a removed subscription. */
	forget(subId: string): void {
		this.#starts.delete(subId);
		this.#notBefore.delete(subId);
	}
}
