/**
 * Applies an attempt's outcome to the log: the attempt row, the delivery's next state and, when the
 * retry policy says so, the subscription's status. Runs inside the caller's transaction.
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
	at: number;
	/** Who made the attempt: the alarm's ordered lanes or the DELIVERIES queue consumer. */
	via: "alarm" | "queue";
	queueLeaseMs: number;
}

export type Settled =
	| { kind: "delivered" | "dead_letter"; subscriptionStatus?: undefined }
	| { kind: "retry"; nextAt: number; viaQueue: boolean; delaySeconds: number; subscriptionStatus?: undefined }
	| { kind: "pause" | "disable"; subscriptionStatus: "paused" | "disabled" };

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
			recordAttempt(sql, { ...record, error: null, nextAt: null }, "delivered", attempt);
			return { kind: "delivered" };
		case "dead_letter":
			recordAttempt(sql, { ...record, error, nextAt: null }, "failed", attempt);
			return { kind: "dead_letter" };
		case "retry": {
			const delaySeconds = Math.max(1, Math.ceil((decision.nextAt - ended) / 1000));
			// The queue consumer retries with message.retry when the queue can hold the wait; it keeps a
			// lease past the due time so a lost message is noticed. Otherwise the alarm picks it up.
			const viaQueue = via === "queue" && delaySeconds <= MAX_QUEUE_DELAY_SECONDS;
			const state = viaQueue ? "queued" : "pending";
			recordAttempt(sql, { ...record, error, nextAt: decision.nextAt }, state, attempt);
			if (viaQueue) {
				sql.exec(
					"UPDATE deliveries SET next_at = ? WHERE sub_id = ? AND seq = ?",
					decision.nextAt + input.queueLeaseMs,
					sub.id,
					row.seq,
				);
			}
			return { kind: "retry", nextAt: decision.nextAt, viaQueue, delaySeconds };
		}
		case "pause":
		case "disable": {
			// The event stays pending at the head; a resume (or a replay) starts its schedule again.
			recordAttempt(sql, { ...record, error: error ?? "gone", nextAt: null }, "pending", 0);
			const status = decision.kind === "pause" ? "paused" : "disabled";
			setSubscriptionStatus(sql, sub, status, at);
			return { kind: decision.kind, subscriptionStatus: status };
		}
	}
}
