/**
 * Polling subscriptions: the subscriber pulls instead of being pushed to. They get no delivery rows
 * (fan-out skips them); a poll reads the log itself from a position, filtering at read time with the
 * subscription's `event_types` and `sources`. This module is the only writer of `poll_positions`
 * (docs/storage.md): one row per polling subscription, the last sequence its consumer acknowledged.
 *
 * The cursor is `c<sequence>`: opaque to clients, the position after which the next page starts.
 * A poll that passes a cursor acknowledges everything up to it, so the stored position becomes that
 * cursor (at least once: a page is only acknowledged by the next poll, so a consumer that dies
 * between receiving a page and asking for the next gets the page again).
 */
import { z } from "zod";
import type { SubscriptionState } from "../schema/read-models";
import type { Subscription } from "../schema/subscription";
import { subscriptionMatches } from "./filter";
import type { Host } from "./host";
import { headSequence } from "./log-store";

/** Events read (type and source only) per scan; a sparse filter continues in the next batch. */
const SCAN_BATCH = 500;
/** A poll reads at most this many events' types before answering, so one request stays bounded. */
const MAX_SCANNED = 5_000;
/** Polls that may wait at once in one tenant's object; more answer at once (empty) instead of waiting. */
export const MAX_WAITERS = 100;

/** The cursor a client sees for a position. */
export function encodeCursor(seq: number): string {
	return `c${seq}`;
}

/** The position a cursor stands for, or null when it is not one this API gives out. */
export function decodeCursor(cursor: string): number | null {
	const m = /^c(0|[1-9][0-9]{0,14})$/.exec(cursor);
	return m ? Number(m[1]) : null;
}

/** The stored position of a polling subscription, or null when it has none (not a polling one). */
export function storedPosition(sql: SqlStorage, subId: string): number | null {
	return sql.exec<{ seq: number }>("SELECT seq FROM poll_positions WHERE sub_id = ?", subId).toArray()[0]?.seq ?? null;
}

/** Starts a new polling subscription at `seq` (the head when it is created); keeps an existing position. */
export function startPosition(sql: SqlStorage, subId: string, seq: number): void {
	sql.exec("INSERT OR IGNORE INTO poll_positions (sub_id, seq) VALUES (?, ?)", subId, seq);
}

/** Moves the stored position to `seq`; writes nothing when it is already there (a row write is billed). */
export function setPosition(sql: SqlStorage, subId: string, seq: number): void {
	if (storedPosition(sql, subId) === seq) return;
	sql.exec(
		"INSERT INTO poll_positions (sub_id, seq) VALUES (?, ?) ON CONFLICT (sub_id) DO UPDATE SET seq = excluded.seq",
		subId,
		seq,
	);
}

/**
 * A polling subscription's state for the API: `cursor` is its stored position and `backlog` every
 * event after it, matching or not (counting only matches would read them all); nothing is attempted,
 * so there is no last success, error or open delivery.
 */
export function pollingState(sql: SqlStorage, subId: string, head: number): SubscriptionState {
	const position = Math.min(head, storedPosition(sql, subId) ?? head);
	return {
		head_sequence: head,
		backlog: head - position,
		cursor: position,
		last_success_at: null,
		last_error: null,
		oldest_open: null,
		in_flight: 0,
		backlog_keys: null,
		oldest_waiting: null,
	};
}

/** Forgets a deleted subscription's position. */
export function removePosition(sql: SqlStorage, subId: string): void {
	sql.exec("DELETE FROM poll_positions WHERE sub_id = ?", subId);
}

/** One page of a poll: the matching envelopes' exact JSON in sequence order, and where the next starts. */
export interface PollPage {
	envelopes: string[];
	/** The position after this page: the last event read, matching or not. */
	next: number;
}

/**
 * Up to `limit` envelopes matching `sub` after position `after`, in sequence order. Reads types and
 * sources first and envelopes only for matches; stops after MAX_SCANNED events, so a filter that
 * matches little still answers promptly (with an empty page and a cursor further on). A position
 * older than the oldest kept event simply continues from the oldest kept one.
 */
export function readPage(
	sql: SqlStorage,
	sub: Pick<Subscription, "event_types" | "sources">,
	after: number,
	limit: number,
): PollPage {
	const matches: number[] = [];
	let next = after;
	for (let scanned = 0; scanned < MAX_SCANNED && matches.length < limit; ) {
		const rows = sql
			.exec<{ seq: number; type: string; source: string }>(
				"SELECT seq, type, source FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
				next,
				SCAN_BATCH,
			)
			.toArray();
		for (const row of rows) {
			next = row.seq;
			if (subscriptionMatches(sub, row) && matches.push(row.seq) >= limit) break;
		}
		scanned += rows.length;
		if (rows.length < SCAN_BATCH) break;
	}
	const envelopes = matches.map(
		(seq) => sql.exec<{ envelope: string }>("SELECT envelope FROM events WHERE seq = ?", seq).one().envelope,
	);
	return { envelopes, next };
}

/**
 * Polls waiting for the log to grow. `append` calls `wakeAll` after each commit; a waiting poll then
 * reads again. Waiting is wall time in the object, not CPU: see docs/cost.md.
 */
export class PollWaiters {
	readonly #waiters = new Set<() => void>();

	/** Whether another poll may wait now. */
	get canWait(): boolean {
		return this.#waiters.size < MAX_WAITERS;
	}

	/** Resolves after `ms`, or sooner when `wakeAll` is called. */
	wait(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const done = () => {
				clearTimeout(timer);
				this.#waiters.delete(done);
				resolve();
			};
			const timer = setTimeout(done, Math.max(0, ms));
			this.#waiters.add(done);
		});
	}

	/** Wakes every waiting poll: the log grew, or a subscription changed or went away. */
	wakeAll(): void {
		for (const wake of [...this.#waiters]) wake();
	}
}

const PollInputSchema = z.object({
	cursor: z.number().int().min(0).optional(),
	limit: z.number().int().min(1).max(100),
	wait_ms: z.number().int().min(0).max(30_000),
});

/** What a poll answers: a page, or why there is none. */
export type PollResult =
	| ({ kind: "page" } & PollPage)
	| { kind: "not_found" }
	| { kind: "not_polling" }
	| { kind: "invalid_cursor" };

/**
 * The polling capability of a tenant's object: positions, pages and long polls. `subscription` looks a
 * subscription up in the delivery engine's copy (the one the API writes through).
 */
export class Polling {
	readonly #waiters = new PollWaiters();

	constructor(
		readonly host: Host,
		readonly subscription: (id: string) => Subscription | undefined,
	) {}

	/** A new polling subscription starts at the head, as a webhook one receives only later events. */
	start(sub: Subscription): void {
		if (sub.type === "polling") startPosition(this.host.sql, sub.id, headSequence(this.host.sql));
	}

	remove(id: string): void {
		removePosition(this.host.sql, id);
	}

	state(id: string): SubscriptionState {
		return pollingState(this.host.sql, id, headSequence(this.host.sql));
	}

	/** Wakes every waiting poll: the log grew, or a subscription changed or went away. */
	wakeAll(): void {
		this.#waiters.wakeAll();
	}

	/**
	 * One poll: the matching envelopes after `cursor` (else after the stored position), up to `limit`.
	 * Passing a cursor acknowledges what came before it: the stored position moves there. With
	 * `wait_ms`, an empty poll waits until something is appended or the time is up (unless MAX_WAITERS
	 * polls already wait: then it answers at once). `input` is re-parsed: it crossed an RPC.
	 */
	async poll(id: string, input: unknown): Promise<PollResult> {
		const { cursor, limit, wait_ms } = PollInputSchema.parse(input);
		const sql = this.host.sql;
		let sub = this.subscription(id);
		if (!sub) return { kind: "not_found" };
		if (sub.type !== "polling") return { kind: "not_polling" };
		if (cursor !== undefined && cursor > headSequence(sql)) return { kind: "invalid_cursor" };
		if (cursor !== undefined) setPosition(sql, id, cursor);
		let from = cursor ?? storedPosition(sql, id) ?? headSequence(sql);
		const until = Date.now() + wait_ms;
		for (;;) {
			const page = readPage(sql, sub, from, limit);
			if (page.envelopes.length > 0 || Date.now() >= until || !this.#waiters.canWait) return { kind: "page", ...page };
			from = page.next;
			// Nothing between the read and registering the waiter yields, so no append can slip between them.
			await this.#waiters.wait(until - Date.now());
			sub = this.subscription(id);
			if (!sub) return { kind: "not_found" };
		}
	}
}
