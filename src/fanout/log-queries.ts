/**
 * Read-side queries over the tenant log: events, per-subscription state, attempts, counts. Each
 * returns a read model of src/schema/read-models.ts, the shape the API documents.
 */

import type { Envelope } from "../schema/envelope";
import { operationalSubject } from "../schema/operational";
import type {
	AttemptView,
	EventSummary,
	LogStats,
	Page,
	StoredEventDetail,
	SubscriptionState,
} from "../schema/read-models";
import type { Subscription } from "../schema/subscription";
import { type DeliveryRow, inFlight, OPEN_STATES, orderedHead } from "./delivery-store";
import { deliveryView } from "./delivery-view";
import { subscriptionMatches } from "./filter";
import { headSequence, unmatchedEvents } from "./log-store";

export interface ListEventsOptions {
	limit: number;
	/** Exclusive upper bound on the sequence, from a previous page. */
	cursor?: number;
	type?: string;
	source?: string;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function hasEvents(sql: SqlStorage): boolean {
	return sql.exec("SELECT 1 FROM events LIMIT 1").toArray().length > 0;
}

export function listEvents(sql: SqlStorage, opts: ListEventsOptions): Page<EventSummary> {
	const rows = sql
		.exec<{ id: string; seq: number; type: string; source: string; received_at: number }>(
			`SELECT id, seq, type, source, received_at FROM events
			 WHERE seq < ? AND (? IS NULL OR type = ?) AND (? IS NULL OR source = ?)
			 ORDER BY seq DESC LIMIT ?`,
			opts.cursor ?? Number.MAX_SAFE_INTEGER,
			opts.type ?? null,
			opts.type ?? null,
			opts.source ?? null,
			opts.source ?? null,
			opts.limit + 1,
		)
		.toArray();
	const page = rows.slice(0, opts.limit);
	return {
		data: page.map((r) => ({
			id: r.id,
			sequence: r.seq,
			type: r.type,
			source: r.source,
			received_at: new Date(r.received_at).toISOString(),
		})),
		next_cursor: rows.length > opts.limit ? String(page.at(-1)?.seq) : null,
	};
}

/** An event's sequence, type and source by id (what routing needs), without its envelope; null when gone. */
export function eventRef(sql: SqlStorage, id: string): { sequence: number; type: string; source: string } | null {
	return (
		sql
			.exec<{ sequence: number; type: string; source: string }>(
				"SELECT seq AS sequence, type, source FROM events WHERE id = ?",
				id,
			)
			.toArray()[0] ?? null
	);
}

/** One event's exact envelope JSON, its delivery per subscription and every attempt; null when gone. */
export function eventById(sql: SqlStorage, id: string): StoredEventDetail | null {
	const row = sql
		.exec<{ seq: number; envelope: string }>("SELECT seq, envelope FROM events WHERE id = ?", id)
		.toArray()[0];
	if (!row) return null;
	const rows = sql
		// One primary-key lookup per subscription, rather than an index on seq that every insert would pay for.
		.exec<SubscribedRow>(
			`SELECT d.*, s.status AS sub_status, s.ordering AS sub_ordering
			 FROM subscriptions s JOIN deliveries d ON d.sub_id = s.id AND d.seq = ? ORDER BY s.id`,
			row.seq,
		)
		.toArray();
	// No index on seq: walk each subscription's attempts newest first and stop at the row's count, so
	// reading a recent event's attempts costs about as many rows as attempts made since.
	const attempts = rows
		.filter((d) => d.total_attempts > 0)
		.flatMap((d) =>
			sql
				.exec<AttemptRow>(
					"SELECT * FROM attempts INDEXED BY attempts_by_sub WHERE sub_id = ? AND seq = ? ORDER BY id DESC LIMIT ?",
					d.sub_id,
					row.seq,
					d.total_attempts,
				)
				.toArray(),
		)
		.sort((a, b) => a.id - b.id);
	const now = Date.now();
	const deliveries = rows.map((d) =>
		deliveryView(d, {
			status: d.sub_status,
			ordering: d.sub_ordering,
			// Only an open ordered delivery can wait behind another: look its head up then, through the index.
			headSeq: d.state === "pending" || d.state === "queued" ? (orderedHead(sql, d.sub_id)?.seq ?? null) : null,
			lastAttemptNextAt: attempts.findLast((a) => a.sub_id === d.sub_id)?.next_at ?? null,
			now,
		}),
	);
	return {
		envelope: row.envelope,
		deliveries,
		attempts: attempts.map(attemptView),
	};
}

/** A delivery row with its subscription's status and ordering. */
type SubscribedRow = DeliveryRow & { sub_status: Subscription["status"]; sub_ordering: Subscription["ordering"] };

type AttemptRow = {
	id: number;
	sub_id: string;
	event_id: string;
	seq: number;
	attempt: number;
	at: number;
	status: number | null;
	error: string | null;
	latency_ms: number;
	next_at: number | null;
};

const attemptView = (r: AttemptRow): AttemptView => ({
	id: r.id,
	subscription_id: r.sub_id,
	event_id: r.event_id,
	sequence: r.seq,
	attempt: r.attempt,
	at: new Date(r.at).toISOString(),
	status: r.status,
	error: r.error,
	latency_ms: r.latency_ms,
	next_attempt_at: iso(r.next_at),
});

export function listAttempts(
	sql: SqlStorage,
	subId: string,
	opts: { limit: number; cursor?: number },
): Page<AttemptView> {
	const rows = sql
		.exec<AttemptRow>(
			"SELECT * FROM attempts WHERE sub_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
			subId,
			opts.cursor ?? Number.MAX_SAFE_INTEGER,
			opts.limit + 1,
		)
		.toArray();
	const page = rows.slice(0, opts.limit);
	return {
		data: page.map(attemptView),
		next_cursor: rows.length > opts.limit ? String(page.at(-1)?.id) : null,
	};
}

export function subscriptionState(
	sql: SqlStorage,
	subId: string,
	ordering: Subscription["ordering"] = "ordered",
): SubscriptionState {
	const head = headSequence(sql);
	const open = sql
		.exec<{ n: number; first: number | null }>(
			`SELECT COUNT(*) AS n, MIN(seq) AS first FROM deliveries INDEXED BY deliveries_open WHERE sub_id = ? AND state IN ${OPEN_STATES}`,
			subId,
		)
		.one();
	// Newest first through the subscription's index: stops at the latest success instead of reading
	// every attempt the subscription ever made (MAX(at) would).
	const lastOk =
		sql
			.exec<{ at: number }>(
				"SELECT at FROM attempts INDEXED BY attempts_by_sub WHERE sub_id = ? AND error IS NULL ORDER BY id DESC LIMIT 1",
				subId,
			)
			.toArray()[0]?.at ?? null;
	const lastErr = sql
		.exec<{ at: number; status: number | null; error: string | null }>(
			"SELECT at, status, error FROM attempts INDEXED BY attempts_by_sub WHERE sub_id = ? AND error IS NOT NULL ORDER BY id DESC LIMIT 1",
			subId,
		)
		.toArray()[0];
	const keys = sql
		.exec<{ n: number }>(
			`SELECT COUNT(DISTINCT key) AS n FROM deliveries INDEXED BY deliveries_keyed
			 WHERE sub_id = ? AND state IN ${OPEN_STATES} AND key IS NOT NULL`,
			subId,
		)
		.one().n;
	const oldest =
		open.first === null
			? undefined
			: sql
					.exec<{ id: string; received_at: number }>("SELECT id, received_at FROM events WHERE seq = ?", open.first)
					.toArray()[0];
	return {
		oldest_open: oldestOpen(sql, subId),
		head_sequence: head,
		backlog: open.n,
		cursor: open.first === null ? head : open.first - 1,
		in_flight: inFlight(sql, subId, Date.now()),
		backlog_keys: ordering === "per_key" ? keys : null,
		oldest_waiting:
			oldest && open.first !== null
				? { sequence: open.first, event_id: oldest.id, received_at: new Date(oldest.received_at).toISOString() }
				: null,
		last_success_at: iso(lastOk ?? null),
		last_error: lastErr
			? { at: new Date(lastErr.at).toISOString(), status: lastErr.status, error: lastErr.error }
			: null,
	};
}

/** A subscription's oldest open delivery as the API shows it, or null when none is open. */
function oldestOpen(sql: SqlStorage, subId: string): SubscriptionState["oldest_open"] {
	const head = orderedHead(sql, subId);
	const sub = sql
		.exec<{ status: Subscription["status"]; ordering: Subscription["ordering"] }>(
			"SELECT status, ordering FROM subscriptions WHERE id = ?",
			subId,
		)
		.toArray()[0];
	if (!head || !sub) return null;
	const lastAttemptNextAt =
		head.total_attempts === 0
			? null
			: (sql
					.exec<{ next_at: number | null }>(
						"SELECT next_at FROM attempts INDEXED BY attempts_by_sub WHERE sub_id = ? AND seq = ? ORDER BY id DESC LIMIT 1",
						subId,
						head.seq,
					)
					.toArray()[0]?.next_at ?? null);
	const { subscription_id: _, ...view } = deliveryView(head, {
		...sub,
		headSeq: head.seq,
		lastAttemptNextAt,
		now: Date.now(),
	});
	return { sequence: head.seq, ...view };
}

/** Sequences of the events a subscription matches, from a sequence or a time on, ascending. */
export function matchingSince(
	sql: SqlStorage,
	sub: Subscription,
	from: { since_sequence?: number; since?: number },
): number[] {
	const rows = sql
		.exec<{ seq: number; type: string; source: string }>(
			"SELECT seq, type, source FROM events WHERE seq >= ? AND received_at >= ? ORDER BY seq",
			from.since_sequence ?? 0,
			from.since ?? 0,
		)
		.toArray();
	return rows.filter((r) => subscriptionMatches(sub, r) && !isAbout(sql, r, sub.id)).map((r) => r.seq);
}

/** Whether an event is an operational event about subscription `subId` (which never receives those). */
export function isAbout(sql: SqlStorage, event: { seq: number; type: string }, subId: string): boolean {
	if (!event.type.startsWith("hookfan.subscription.")) return false; // read the envelope only for these
	const row = sql.exec<{ envelope: string }>("SELECT envelope FROM events WHERE seq = ?", event.seq).toArray()[0];
	return row !== undefined && operationalSubject(JSON.parse(row.envelope) as Envelope) === subId;
}

export function stats(sql: SqlStorage): LogStats {
	return {
		head_sequence: headSequence(sql),
		events: sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM events").one().n,
		unmatched_events: unmatchedEvents(sql),
	};
}
