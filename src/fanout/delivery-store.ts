/**
 * Delivery state in the tenant's SQLite database: subscriptions (the copy delivery reads), one
 * delivery row per (subscription, event) with its state, and the attempt log. This module is the
 * only writer of the `subscriptions`, `deliveries` and `attempts` tables (docs/storage.md).
 *
 * Delivery row states: pending (due at next_at), queued (a job of an unordered or per_key subscription
 * is on the DELIVERIES queue or being attempted; next_at is its lease), delivered, failed
 * (dead-lettered). A per_key subscription's rows carry their ordering `key` (./ordering-key); a key's
 * head is its lowest open row, read through the `deliveries_keyed` partial index. An ordered attempt leaves its row pending
 * while it runs: only one alarm runs at a time, and if that run dies the row is still due, so the next
 * run retries it. An expired queue lease means the job was lost: it is sent again.
 */
import { maxInFlight, type Subscription, SubscriptionSchema } from "../schema/subscription";

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
	/** The ordering key of a per_key subscription's row; null for other subscriptions. */
	key: string | null;
	/** On the head of an ordered batch in progress: the batch's last sequence (./batch.ts); else null. */
	batch_end: number | null;
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

/** A delivery to open: the subscription, and the row's ordering key (null unless it is per_key). */
export type DeliveryTarget = { subId: string; key: string | null };

/** Opens a pending delivery row for each subscription an event goes to. */
export function fanOut(sql: SqlStorage, seq: number, targets: readonly DeliveryTarget[], now: number): void {
	for (const { subId, key } of targets) {
		sql.exec(
			"INSERT OR IGNORE INTO deliveries (sub_id, seq, key, state, attempts, next_at, updated_at) VALUES (?, ?, ?, 'pending', 0, ?, ?)",
			subId,
			seq,
			key,
			now,
			now,
		);
	}
}

/**
 * (Re)opens deliveries for a replay or redelivery: pending now, with a fresh retry schedule. `keyOf`
 * gives each row's ordering key (null unless the subscription is per_key).
 */
export function reopen(
	sql: SqlStorage,
	subId: string,
	seqs: readonly number[],
	now: number,
	keyOf: (seq: number) => string | null = () => null,
): number {
	let count = 0;
	for (const seq of seqs) {
		sql.exec(
			`INSERT INTO deliveries (sub_id, seq, key, state, attempts, next_at, updated_at) VALUES (?, ?, ?, 'pending', 0, ?, ?)
			 ON CONFLICT (sub_id, seq) DO UPDATE SET state = 'pending', attempts = 0, next_at = excluded.next_at,
			   key = excluded.key, updated_at = excluded.updated_at
			 WHERE deliveries.state <> 'queued'`,
			subId,
			seq,
			keyOf(seq),
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

/**
 * An ordered subscription's open rows from `fromSeq` on, in sequence order: at most `limit`, and none
 * past `throughSeq` when it is given (a batch in progress re-sends exactly its range).
 */
export function openRowsFrom(
	sql: SqlStorage,
	subId: string,
	fromSeq: number,
	limit: number,
	throughSeq: number | null,
): DeliveryRow[] {
	return sql
		.exec<DeliveryRow>(
			`SELECT * FROM deliveries INDEXED BY deliveries_open
			 WHERE sub_id = ? AND state IN ${OPEN_STATES} AND seq >= ? AND seq <= ? ORDER BY seq LIMIT ?`,
			subId,
			fromSeq,
			throughSeq ?? Number.MAX_SAFE_INTEGER,
			limit,
		)
		.toArray();
}

/** Sets (or, with null, clears) the last sequence of the batch that starts at `seq`. */
export function setBatchEnd(sql: SqlStorage, subId: string, seq: number, end: number | null): void {
	sql.exec("UPDATE deliveries SET batch_end = ? WHERE sub_id = ? AND seq = ?", end, subId, seq);
}

/**
 * When an ordered subscription's head is due, or null when it has none. A `batch` subscription's
 * head that no attempt has claimed yet (no `batch_end`) waits for the batch to fill: until
 * `max_wait_ms` after it was appended (its untouched `next_at`), unless `max_events` are open already.
 */
export function orderedDueAt(sql: SqlStorage, sub: Subscription): number | null {
	const head = orderedHead(sql, sub.id);
	if (head === null) return null;
	if (sub.batch === undefined || head.batch_end !== null) return head.next_at;
	const open = openRowsFrom(sql, sub.id, head.seq, sub.batch.max_events, null).length;
	return open >= sub.batch.max_events ? head.next_at : head.next_at + sub.batch.max_wait_ms;
}

/** Ids of active subscriptions with the given ordering. */
export function activeIds(sql: SqlStorage, ordering: Subscription["ordering"]): string[] {
	return sql
		.exec<{ id: string }>("SELECT id FROM subscriptions WHERE status = 'active' AND ordering = ?", ordering)
		.toArray()
		.map((r) => r.id);
}

/** Jobs of a subscription in flight at `now`: queued rows whose lease has not run out. */
export function inFlight(sql: SqlStorage, subId: string, now: number): number {
	return sql
		.exec<{ n: number }>(
			`SELECT COUNT(*) AS n FROM deliveries INDEXED BY deliveries_open
			 WHERE sub_id = ? AND state IN ${OPEN_STATES} AND state = 'queued' AND next_at > ?`,
			subId,
			now,
		)
		.one().n;
}

/**
 * Up to `limit` open rows of an unordered subscription that are due (pending) or whose lease ran out.
 * Reads only open rows through `deliveries_open`, never delivered history.
 */
export function dueUnordered(sql: SqlStorage, subId: string, now: number, limit: number): DeliveryRow[] {
	return sql
		.exec<DeliveryRow>(
			`SELECT * FROM deliveries INDEXED BY deliveries_open WHERE sub_id = ? AND state IN ${OPEN_STATES} AND next_at <= ? LIMIT ?`,
			subId,
			now,
			limit,
		)
		.toArray();
}

/**
 * Open keyed rows that are the head of a key with nothing in flight: no lower open row in the key, and
 * no other row of the key queued under a live lease (a replay can reopen a key behind one in flight).
 */
const KEY_HEAD = `d.key IS NOT NULL
	AND NOT EXISTS (SELECT 1 FROM deliveries AS e INDEXED BY deliveries_keyed
	  WHERE e.sub_id = d.sub_id AND e.key IS NOT NULL AND e.key = d.key AND e.state IN ${OPEN_STATES} AND e.seq < d.seq)
	AND NOT EXISTS (SELECT 1 FROM deliveries AS e INDEXED BY deliveries_keyed
	  WHERE e.sub_id = d.sub_id AND e.key IS NOT NULL AND e.key = d.key AND e.state IN ${OPEN_STATES}
	    AND e.state = 'queued' AND e.seq > d.seq AND e.next_at > ?)`; // binds `now`

/**
 * Up to `limit` due heads of a per_key subscription's idle keys, oldest (lowest seq) first: pending and
 * due, or queued with an expired lease (its job was lost). Walks open rows in seq order and stops at
 * `limit`; each step is two probes of `deliveries_keyed`.
 */
export function dueKeyHeads(sql: SqlStorage, subId: string, now: number, limit: number): DeliveryRow[] {
	return sql
		.exec<DeliveryRow>(
			`SELECT d.* FROM deliveries AS d INDEXED BY deliveries_open
			 WHERE d.sub_id = ? AND d.state IN ${OPEN_STATES} AND d.next_at <= ? AND ${KEY_HEAD}
			 ORDER BY d.seq LIMIT ?`,
			subId,
			now,
			now,
			limit,
		)
		.toArray();
}

/**
 * When a queue-delivered subscription (unordered or per_key) next needs the object: the earliest lease
 * of a job in flight (a lost one is sent again), and, while it has room for more, the earliest time a
 * row it may send comes due. Never a row it could not send (a key's later rows, or any row while full),
 * so a full subscription does not spin the alarm.
 */
export function queuedWake(sql: SqlStorage, sub: Subscription, now: number): number | null {
	const lease = sql
		.exec<{ t: number | null }>(
			`SELECT MIN(next_at) AS t FROM deliveries INDEXED BY deliveries_open
			 WHERE sub_id = ? AND state IN ${OPEN_STATES} AND state = 'queued'`,
			sub.id,
		)
		.one().t;
	const due =
		sub.ordering === "per_key"
			? sql
					.exec<{ t: number | null }>(
						`SELECT MIN(d.next_at) AS t FROM deliveries AS d INDEXED BY deliveries_open
						 WHERE d.sub_id = ? AND d.state IN ${OPEN_STATES} AND d.state = 'pending' AND ${KEY_HEAD}`,
						sub.id,
						now,
					)
					.one().t
			: sql
					.exec<{ t: number | null }>(
						`SELECT MIN(next_at) AS t FROM deliveries INDEXED BY deliveries_open
						 WHERE sub_id = ? AND state IN ${OPEN_STATES} AND state = 'pending'`,
						sub.id,
					)
					.one().t;
	if (lease === null || due === null) return lease ?? due;
	if (due >= lease) return lease;
	// A row comes due before the next lease: it needs the alarm only if there is room to send it.
	return inFlight(sql, sub.id, now) >= maxInFlight(sub) ? lease : due;
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
 * The earliest time any open delivery of the active ones of `subs` needs attention, or null. For an
 * ordered subscription only its head counts: the rows behind it wait for it, whatever their next_at;
 * for the others, `queuedWake`. `earliestStart` says when a subscription's pace lets an attempt start.
 */
export function nextWake(
	sql: SqlStorage,
	subs: readonly Subscription[],
	now: number,
	earliestStart: (sub: Subscription) => number = () => now,
): number | null {
	let earliest: number | null = null;
	const consider = (t: number | null | undefined) => {
		if (t !== null && t !== undefined && (earliest === null || t < earliest)) earliest = t;
	};
	for (const sub of subs) {
		if (sub.status !== "active") continue;
		if (sub.ordering !== "ordered") consider(queuedWake(sql, sub, now));
		else {
			// An ordered head waits for its subscription's pace too (./pace): the lane starts its attempts.
			const due = orderedDueAt(sql, sub);
			consider(due === null ? null : Math.max(due, earliestStart(sub)));
		}
	}
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

/**
 * Sets the ordering key of a subscription's open rows that have none (it became per_key), or of all its
 * open rows (`all`: its ordering key changed).
 */
export function keyOpenRows(
	sql: SqlStorage,
	subId: string,
	keyOf: (seq: number) => string,
	opts: { all: boolean },
): number {
	const rows = sql
		.exec<{ seq: number }>(
			`SELECT seq FROM deliveries INDEXED BY deliveries_open WHERE sub_id = ? AND state IN ${OPEN_STATES} AND (key IS NULL OR ?)`,
			subId,
			opts.all ? 1 : 0,
		)
		.toArray();
	for (const { seq } of rows)
		sql.exec("UPDATE deliveries SET key = ? WHERE sub_id = ? AND seq = ?", keyOf(seq), subId, seq);
	return rows.length;
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
