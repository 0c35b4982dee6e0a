/**
 * How a delivery is shown: the stored row (pending, queued, delivered, failed) with its subscription's
 * status and ordering becomes the state a user can act on. Pure, so each state is unit-tested.
 */
import type { DeliveryView, DeliveryViewState } from "../schema/read-models";
import type { DeliveryRow } from "./delivery-store";

/** What the view needs besides the row. */
export interface DeliveryContext {
	/** The subscription's status and ordering now. */
	status: "active" | "paused" | "disabled";
	/** `per_key` reads as `unordered` here: its rows are queued or pending per key, never behind a subscription-wide head. */
	ordering: "ordered" | "per_key" | "unordered";
	/** The sequence of the subscription's first open delivery (its ordered head), or null. */
	headSeq: number | null;
	/** The `next_at` of the row's latest attempt: a queue retry's due time while the job waits on the queue. */
	lastAttemptNextAt: number | null;
	now: number;
}

type Derived = { state: DeliveryViewState; nextAt: number | null; waitingFor: number | null };

/** The state a delivery is in now (docs/guarantees.md, "Delivery state"). */
export function deriveDeliveryState(
	row: Pick<DeliveryRow, "seq" | "state" | "next_at">,
	ctx: DeliveryContext,
): Derived {
	const plain = (state: DeliveryViewState): Derived => ({ state, nextAt: null, waitingFor: null });
	if (row.state === "delivered" || row.state === "failed") return plain(row.state);
	if (ctx.status !== "active") return plain("held");
	if (ctx.ordering === "ordered" && ctx.headSeq !== null && ctx.headSeq < row.seq)
		return { state: "waiting", nextAt: null, waitingFor: ctx.headSeq };
	if (row.state === "pending") {
		// A pending row's next_at is its due time: still ahead means a retry is scheduled.
		if (row.next_at > ctx.now) return { state: "retrying", nextAt: row.next_at, waitingFor: null };
		return plain(ctx.ordering === "ordered" ? "in_flight" : "queued");
	}
	// Queued: next_at is the lease, not a due time. A retry waiting on the queue has its due time on the attempt.
	if (ctx.lastAttemptNextAt !== null && ctx.lastAttemptNextAt > ctx.now)
		return { state: "retrying", nextAt: ctx.lastAttemptNextAt, waitingFor: null };
	return plain("queued");
}

/** A delivery row as the API shows it. */
export function deliveryView(row: DeliveryRow, ctx: DeliveryContext): DeliveryView {
	const derived = deriveDeliveryState(row, ctx);
	return {
		subscription_id: row.sub_id,
		state: derived.state,
		attempts: row.attempts,
		next_attempt_at: derived.nextAt === null ? null : new Date(derived.nextAt).toISOString(),
		waiting_for_sequence: derived.waitingFor,
		last_status: row.last_status,
		last_error: row.last_error,
	};
}
