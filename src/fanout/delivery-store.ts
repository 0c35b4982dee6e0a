/**
 * Delivery state in the tenant's SQLite database: subscriptions (the copy delivery reads), one
 * delivery row per (subscription, event) with its state, and the attempt log. This module is the
 * only writer of the `subscriptions`, `deliveries` and `attempts` tables (docs/storage.md).
 *
 * Delivery row states: pending (due at next_at), queued (an unordered job is on the DELIVERIES queue;
 * next_at is its lease), delivered, failed (dead-lettered). An ordered attempt leaves its row pending
 * while it runs: only one alarm runs at a time, and if that run dies the row is still due, so the next
 * run retries it. An expired queue lease means the job was lost: it is sent again.
 */
import { type Subscription, SubscriptionSchema } from "../schema/subscription";

/**
 * Must match the WHERE of the `deliveries_open` partial index. Queries on open rows name that index
 * (INDEXED BY): left to itself the planner walks the primary key, which reads a subscription's whole
 * delivered history to find its few open rows, and SQLite errors out if the index cannot serve.
 */
export const OPEN_STATES = "('pending', 'queued')";

/** A delivery row's stored state (the API shows a finer one, derived in ./log-queries). */
export type DeliveryState = "pending" | "queued" | "delivered" | "failed";

export type DeliveryRow = {
	sub_id: string;
	seq: number;
	state: DeliveryState;
	attempts: number;
	total_attempts: number;
	next_at: number;
	last_status: number | null;
	last_error: string | null;
	updated_at: number;
};

/** Stores a subscription, or replaces it (same id). */
export function upsertSubscription(sql: SqlStorage, sub: Subscription): { created: boolean } {
	const existing = sql.exec<{ id: string }>("SELECT id FROM subscriptions WHERE id = ?", sub.id).toArray()[0];
	sql.exec(
		`INSERT INTO subscriptions (id, config, status, ordering) VALUES (?, ?, ?, ?)
		 ON CONFLICT (id) DO UPDATE SET config = excluded.config, status = excluded.status, ordering = excluded.ordering`,
		sub.id,
		JSON.stringify(sub),
		sub.status,
		sub.ordering,
	);
	return { created: !existing };
}

/** Every subscription, by id. */
export function readSubscriptions(sql: SqlStorage): Subscription[] {
	return sql
		.exec<{ config: string }>("SELECT config FROM subscriptions ORDER BY id")
		.toArray()
		.map((row) => SubscriptionSchema.parse(JSON.parse(row.config)));
}

/** Removes a subscription with its delivery rows and attempts. */
export function removeSubscription(sql: SqlStorage, id: string): boolean {
	const removed = sql.exec("DELETE FROM subscriptions WHERE id = ?", id).rowsWritten > 0;
	sql.exec("DELETE FROM deliveries WHERE sub_id = ?", id);
	sql.exec("DELETE FROM attempts WHERE sub_id = ?", id);
	return removed;
}

/** Opens a pending delivery row for each subscription an event goes to. */
export function fanOut(sql: SqlStorage, seq: number, subIds: readonly string[], now: number): void {
	for (const subId of subIds) {
		sql.exec(
			"INSERT OR IGNORE INTO deliveries (sub_id, seq, state, attempts, next_at, updated_at) VALUES (?, ?, 'pending', 0, ?, ?)",
			subId,
			seq,
			now,
			now,
		);
	}
}

/** (Re)opens deliveries for a replay or redelivery: pending now, with a fresh retry schedule. */
export function reopen(sql: SqlStorage, subId: string, seqs: readonly number[], now: number): number {
	let count = 0;
	for (const seq of seqs) {
		sql.exec(
			`INSERT INTO deliveries (sub_id, seq, state, attempts, next_at, updated_at) VALUES (?, ?, 'pending', 0, ?, ?)
			 ON CONFLICT (sub_id, seq) DO UPDATE SET state = 'pending', attempts = 0, next_at = excluded.next_at,
			   updated_at = excluded.updated_at
			 WHERE deliveries.state <> 'queued'`,
			subId,
			seq,
			now,
			now,
		);
		count++;
	}
	return count;
}

/** The first unresolved event of an ordered subscription: nothing after it may be sent before it. */
export function orderedHead(sql: SqlStorage, subId: string): DeliveryRow | null {
	return (
		sql
			.exec<DeliveryRow>(
				`SELECT * FROM deliveries INDEXED BY deliveries_open WHERE sub_id = ? AND state IN ${OPEN_STATES} ORDER BY seq LIMIT 1`,
				subId,
			)
			.toArray()[0] ?? null
	);
}

/** Ids of active subscriptions with the given ordering. */
export function activeIds(sql: SqlStorage, ordering: "ordered" | "unordered"): string[] {
	return sql
		.exec<{ id: string }>("SELECT id FROM subscriptions WHERE status = 'active' AND ordering = ?", ordering)
		.toArray()
		.map((r) => r.id);
}

/**
 * Open rows of active unordered subscriptions that are due (pending) or whose lease ran out. Asked per
 * subscription, so the query reads only open rows through `deliveries_open`, never delivered history.
 */
export function dueUnordered(sql: SqlStorage, now: number, limit: number): DeliveryRow[] {
	const due: DeliveryRow[] = [];
	for (const id of activeIds(sql, "unordered")) {
		if (due.length >= limit) break;
		due.push(
			...sql
				.exec<DeliveryRow>(
					`SELECT * FROM deliveries INDEXED BY deliveries_open WHERE sub_id = ? AND state IN ${OPEN_STATES} AND next_at <= ? LIMIT ?`,
					id,
					now,
					limit - due.length,
				)
				.toArray(),
		);
	}
	return due;
}

export function getDelivery(sql: SqlStorage, subId: string, seq: number): DeliveryRow | null {
	return (
		sql.exec<DeliveryRow>("SELECT * FROM deliveries WHERE sub_id = ? AND seq = ?", subId, seq).toArray()[0] ?? null
	);
}

/** Moves a delivery to a new state; `next_at` is the due time (pending) or the lease (queued). */
export function setDeliveryState(
	sql: SqlStorage,
	row: Pick<DeliveryRow, "sub_id" | "seq">,
	state: DeliveryState,
	nextAt: number,
	now: number,
	attempts?: number,
): void {
	sql.exec(
		"UPDATE deliveries SET state = ?, next_at = ?, attempts = COALESCE(?, attempts), updated_at = ? WHERE sub_id = ? AND seq = ?",
		state,
		nextAt,
		attempts ?? null,
		now,
		row.sub_id,
		row.seq,
	);
}

export interface AttemptRecord {
	subId: string;
	seq: number;
	eventId: string;
	at: number;
	status: number | null;
	/** The error class, then the failure in words: `http_status: HTTP 500: "..."` (classify.ts errorText). */
	error: string | null;
	latencyMs: number;
	nextAt: number | null;
}

/** What an attempt leaves the delivery row at. */
export interface DeliveryNext {
	state: DeliveryState;
	/** Attempts in the current retry schedule (0 starts it again). */
	roundAttempts: number;
	/** The row's `next_at`: the due time, or a queue job's lease; defaults to the attempt's `nextAt`, else its time. */
	nextAt?: number;
}

/**
 * Logs one attempt and writes the delivery's resulting state. Run it inside a transaction: the two
 * writes must commit together. Returns the attempt number.
 */
export function recordAttempt(sql: SqlStorage, rec: AttemptRecord, next: DeliveryNext): number {
	// The row keeps the running total, so numbering an attempt reads one row, not the attempt history.
	const total =
		sql
			.exec<{ n: number }>(
				"SELECT total_attempts AS n FROM deliveries WHERE sub_id = ? AND seq = ?",
				rec.subId,
				rec.seq,
			)
			.toArray()[0]?.n ?? 0;
	const attempt = total + 1;
	sql.exec(
		"INSERT INTO attempts (sub_id, seq, event_id, attempt, at, status, error, latency_ms, next_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		rec.subId,
		rec.seq,
		rec.eventId,
		attempt,
		rec.at,
		rec.status,
		rec.error,
		rec.latencyMs,
		rec.nextAt,
	);
	sql.exec(
		`UPDATE deliveries SET state = ?, attempts = ?, total_attempts = ?, next_at = ?, last_status = ?, last_error = ?,
		   updated_at = ?
		 WHERE sub_id = ? AND seq = ?`,
		next.state,
		next.roundAttempts,
		attempt,
		next.nextAt ?? rec.nextAt ?? rec.at,
		rec.status,
		rec.error,
		rec.at,
		rec.subId,
		rec.seq,
	);
	return attempt;
}

/**
 * The earliest time any open delivery of an active subscription needs attention, or null. For an
 * ordered subscription only its head counts: the rows behind it wait for it, whatever their next_at.
 */
export function nextWake(sql: SqlStorage): number | null {
	let earliest: number | null = null;
	const consider = (t: number | null | undefined) => {
		if (t !== null && t !== undefined && (earliest === null || t < earliest)) earliest = t;
	};
	for (const id of activeIds(sql, "unordered")) {
		consider(
			sql
				.exec<{ t: number | null }>(
					`SELECT MIN(next_at) AS t FROM deliveries INDEXED BY deliveries_open WHERE sub_id = ? AND state IN ${OPEN_STATES}`,
					id,
				)
				.one().t,
		);
	}
	for (const id of activeIds(sql, "ordered")) consider(orderedHead(sql, id)?.next_at);
	return earliest;
}

/** Restarts every open delivery of a subscription now, with a fresh retry schedule (on resume). */
export function restartOpen(sql: SqlStorage, subId: string, now: number): void {
	sql.exec(
		`UPDATE deliveries SET state = 'pending', attempts = 0, next_at = ?, updated_at = ? WHERE sub_id = ? AND state IN ${OPEN_STATES}`,
		now,
		now,
		subId,
	);
}

/** Changes a subscription's status from inside the log (exhausted with `pause`, or 410 Gone). */
export function setSubscriptionStatus(sql: SqlStorage, sub: Subscription, status: Subscription["status"]): void {
	upsertSubscription(sql, { ...sub, status });
}

/**
 * Drops the delivery rows and attempts of events up to `throughSeq`, for retention: the log store
 * has dropped those events. One delete per subscription, each served by its table's key order.
 */
export function pruneDeliveries(sql: SqlStorage, throughSeq: number): void {
	for (const { id } of sql.exec<{ id: string }>("SELECT id FROM subscriptions")) {
		sql.exec("DELETE FROM deliveries WHERE sub_id = ? AND seq <= ?", id, throughSeq);
		sql.exec("DELETE FROM attempts WHERE sub_id = ? AND seq <= ?", id, throughSeq);
	}
}
