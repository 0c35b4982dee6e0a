/**
 * The settle stage of a dispatch: applies an attempt's outcome to the log (the attempt row, the
 * delivery's next state and, when the retry policy says so, the subscription's status) through the
 * delivery store, which owns those tables. Runs inside the caller's transaction.
 */
import type { Subscription } from "../schema/subscription";
import { errorText } from "./classify";
import type { AttemptOutcome } from "./deliver";
import { type DeliveryRow, recordAttempt, setSubscriptionStatus } from "./delivery-store";
import { decide } from "./retry-policy";

/** Cloudflare Queues delay a retry by at most 12 hours; longer waits go back to the alarm. */
export const MAX_QUEUE_DELAY_SECONDS = 12 * 3600;

export interface SettleInput {
	sub: Subscription;
	row: DeliveryRow;
	eventId: string;
	outcome: AttemptOutcome;
	/** When the attempt started (ms since epoch); its end is `at + outcome.latencyMs`. */
	at: number;
	/** Who made the attempt: the alarm's ordered lanes or the DELIVERIES queue consumer. */
	via: "alarm" | "queue";
	/** How long past its due time a queue retry may go unclaimed before it counts as lost, in ms. */
	queueLeaseMs: number;
	/**
	 * Whether a queue attempt's retry waits on the queue (message.retry). False leaves the row pending
	 * until its due time, for the object to dispatch again: a waiting retry then holds no in-flight slot.
	 */
	retryByQueue?: boolean;
}

/** What settling decided; `subscriptionStatus` is set when the subscription was paused or disabled. */

export type Settled =
	| { kind: "delivered" | "dead_letter"; subscriptionStatus?: undefined }
	| { kind: "retry"; nextAt: number; viaQueue: boolean; delaySeconds: number; subscriptionStatus?: undefined }
	| { kind: "pause" | "disable"; subscriptionStatus: "paused" | "disabled" };

/**
 * Records the attempt and moves the delivery on: delivered, retried (by the queue when the attempt
 * came from it and the queue can hold the wait, else by the alarm), dead-lettered, or held pending
 * while the subscription is paused (schedule exhausted) or disabled (410 Gone).
 */
export function settle(sql: SqlStorage, input: SettleInput): Settled {
	const { sub, row, eventId, outcome, at, via } = input;
	const attempt = row.attempts + 1;
	// The wait runs from when the attempt ended: after a timeout, "retry in 5 s" is 5 s after it
	// gave up, not 5 s after it started (which a 15 s timeout has long passed).
	const ended = at + outcome.latencyMs;
	const decision = decide(sub, attempt, outcome.classification, ended, Math.random());
	const error =
		outcome.classification.outcome === "retry" ? errorText(outcome.classification.error, outcome.detail) : null;
	const record = { subId: sub.id, seq: row.seq, eventId, at, status: outcome.status, latencyMs: outcome.latencyMs };
	switch (decision.kind) {
		case "delivered":
			recordAttempt(sql, { ...record, error: null, nextAt: null }, { state: "delivered", roundAttempts: attempt });
			return { kind: "delivered" };
		case "dead_letter":
			recordAttempt(sql, { ...record, error, nextAt: null }, { state: "failed", roundAttempts: attempt });
			return { kind: "dead_letter" };
		case "retry": {
			const delaySeconds = Math.max(1, Math.ceil((decision.nextAt - ended) / 1000));
			// The queue consumer retries with message.retry when the queue can hold the wait; it keeps a
			// lease past the due time so a lost message is noticed. Otherwise the alarm picks it up.
			const viaQueue = via === "queue" && input.retryByQueue !== false && delaySeconds <= MAX_QUEUE_DELAY_SECONDS;
			recordAttempt(
				sql,
				{ ...record, error, nextAt: decision.nextAt },
				viaQueue
					? { state: "queued", roundAttempts: attempt, nextAt: decision.nextAt + input.queueLeaseMs }
					: { state: "pending", roundAttempts: attempt },
			);
			return { kind: "retry", nextAt: decision.nextAt, viaQueue, delaySeconds };
		}
		case "pause":
		case "disable": {
			// The event stays pending at the head; a resume (or a replay) starts its schedule again.
			recordAttempt(sql, { ...record, error: error ?? "gone", nextAt: null }, { state: "pending", roundAttempts: 0 });
			const status = decision.kind === "pause" ? "paused" : "disabled";
			setSubscriptionStatus(sql, sub, status);
			return { kind: decision.kind, subscriptionStatus: status };
		}
	}
}
