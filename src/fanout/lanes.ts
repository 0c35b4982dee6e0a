/**
 * Ordered delivery: one lane per active ordered subscription, at most one attempt in flight in each,
 * its events strictly in sequence. The alarm runs the lanes that are due side by side, and while any
 * is mid-attempt it keeps looking for work that comes due meanwhile, so a slow subscriber holds up
 * only its own lane.
 */
import { MAX_BATCH_EVENTS, type Subscription } from "../schema/subscription";
import { batchBody, batchId } from "./batch";
import { type AttemptOutcome, attemptDelivery, prepareAttempt } from "./deliver";
import {
	type DeliveryRow,
	openRowsFrom,
	orderedDueAt,
	orderedHead,
	setBatchEnd,
	setDeliveryState,
} from "./delivery-store";
import type { Host } from "./host";
import { eventText } from "./log-store";
import type { SubscriptionPace } from "./pace";
import type { Settled } from "./settle";

/** A Durable Object holds about six outbound connections; more lanes would only queue inside fetch. */
const MAX_CONCURRENT_ATTEMPTS = 6;
/** While a lane is mid-attempt, the run looks for other due work at least this often. */
const LOOK_AGAIN_MS = 500;

/** What the lanes need from the delivery engine that runs them. */
export interface LaneEngine {
	readonly timeoutMs: number;
	/** The subscriptions' rate limits and Retry-After holds; every attempt start is counted in it. */
	readonly pace: SubscriptionPace;
	subscription(id: string): Subscription | undefined;
	subscriptions(): Subscription[];
	settle(
		sub: Subscription,
		row: DeliveryRow,
		eventId: string,
		outcome: AttemptOutcome,
		at: number,
		via: "alarm",
	): Settled;
	enqueueQueued(now: number): Promise<void>;
}

/** A promise to wait on, and the function that settles it. */
function signal(): { wait: Promise<void>; fire: () => void } {
	let fire = () => {};
	const wait = new Promise<void>((resolve) => {
		fire = resolve;
	});
	return { wait, fire };
}

export class OrderedLanes {
	readonly #host: Host;
	readonly #engine: LaneEngine;
	/** Fired when new work may be due (an append, a change): a running alarm looks for it at once. */
	#signal = signal();

	constructor(host: Host, engine: LaneEngine) {
		this.#host = host;
		this.#engine = engine;
	}

	/** Tells a running `run` that new work may be due. */
	nudge(): void {
		this.#signal.fire();
		this.#signal = signal();
	}

	/**
	 * Runs the due lanes, at most MAX_CONCURRENT_ATTEMPTS at once and one per subscription, until none
	 * is due and none is mid-attempt, or `deadline` (ms since epoch) passes. While any lane is busy it
	 * keeps looking: work that comes due meanwhile (a new event, another lane's retry, an unordered job)
	 * starts at once, not after a slow subscriber's attempt ends.
	 */
	async run(deadline: number): Promise<void> {
		const running = new Map<string, Promise<void>>();
		while (Date.now() < deadline) {
			const { due, nextAt } = this.#due(Date.now(), running);
			for (const id of due.slice(0, MAX_CONCURRENT_ATTEMPTS - running.size)) {
				running.set(
					id,
					this.#runLane(id, deadline).finally(() => running.delete(id)),
				);
			}
			if (running.size === 0) return;
			await this.#engine.enqueueQueued(Date.now());
			// Until a lane finishes, new work is signalled, a retry comes due, or it is time to look again.
			const waitMs = Math.min(nextAt ?? Number.POSITIVE_INFINITY, Date.now() + LOOK_AGAIN_MS, deadline) - Date.now();
			let timer: ReturnType<typeof setTimeout> | null = null;
			await Promise.race([
				...running.values(),
				this.#signal.wait,
				new Promise((resolve) => {
					timer = setTimeout(resolve, Math.max(0, waitMs));
				}),
			]);
			clearTimeout(timer);
		}
		await Promise.all(running.values());
	}

	/** Active ordered subscriptions not running whose head is due, and the earliest head due later. */
	#due(now: number, running: Map<string, unknown>): { due: string[]; nextAt: number | null } {
		const due: string[] = [];
		let nextAt: number | null = null;
		for (const s of this.#engine.subscriptions()) {
			if (s.status !== "active" || s.ordering !== "ordered" || running.has(s.id)) continue;
			const headAt = orderedDueAt(this.#host.sql, s);
			if (headAt === null) continue;
			const at = Math.max(headAt, now + this.#engine.pace.wait(s, now));
			if (at <= now) due.push(s.id);
			else if (nextAt === null || at < nextAt) nextAt = at;
		}
		return { due, nextAt };
	}

	/** Delivers one ordered subscription's events one at a time, in sequence, while they are due. */
	async #runLane(subId: string, deadline: number): Promise<void> {
		const sql = this.#host.sql;
		while (Date.now() < deadline) {
			// Re-read both after every await: the input gate opened during fetch, so a pause, a new
			// event or a replay may have landed meanwhile.
			const sub = this.#engine.subscription(subId);
			const head = orderedHead(sql, subId);
			const now = Date.now();
			if (sub?.status !== "active" || sub.ordering !== "ordered" || !head) return;
			// The pace (a rate limit, a Retry-After) holds the lane: `#due` brings it back when it lets go.
			if ((orderedDueAt(sql, sub) ?? now) > now || this.#engine.pace.wait(sub, now) > 0) return;
			if (sub.batch !== undefined) {
				await this.#attemptBatch(sub, sub.batch.max_events, head, now);
				continue;
			}
			const event = eventText(sql, head.seq);
			if (!event) {
				setDeliveryState(sql, head, "failed", now, now); // pruned by retention
				continue;
			}
			// No "in flight" write: this is the only alarm run, and if it dies the row is still due and the
			// safety alarm set at the start of the run retries it.
			this.#engine.pace.start(sub, now);
			const outcome = await attemptDelivery(prepareAttempt(sub, event, now, this.#engine.timeoutMs), now);
			const current = this.#engine.subscription(subId);
			if (current) this.#engine.settle(current, head, event.id, outcome, now, "alarm");
		}
	}

	/**
	 * Sends one batch from `head`: its range so far if a previous attempt fixed one, else up to
	 * `maxEvents` open rows, fixed now on the head's `batch_end`. Every row of the batch settles with
	 * the one outcome (an attempt row each, so each event's attempts stay truthful); the range is
	 * forgotten once the head is delivered or dead-lettered. Settles are one transaction per row: if
	 * the object dies between them, the rest are sent again as a new batch (at least once, in order).
	 */
	async #attemptBatch(sub: Subscription, maxEvents: number, head: DeliveryRow, now: number): Promise<void> {
		const sql = this.#host.sql;
		const limit = head.batch_end === null ? maxEvents : MAX_BATCH_EVENTS;
		const batch: { row: DeliveryRow; id: string; envelope: string }[] = [];
		for (const row of openRowsFrom(sql, sub.id, head.seq, limit, head.batch_end)) {
			const event = eventText(sql, row.seq);
			if (event) batch.push({ row, ...event });
			else setDeliveryState(sql, row, "failed", now, now); // pruned by retention
		}
		const first = batch[0];
		const last = batch.at(-1);
		if (!first || !last) return;
		if (first.row.batch_end === null) setBatchEnd(sql, sub.id, first.row.seq, last.row.seq);
		const body = batchBody(batch.map((b) => b.envelope));
		const prepared = prepareAttempt(
			sub,
			{ id: batchId(sub.id, first.row.seq, last.row.seq), envelope: body },
			now,
			this.#engine.timeoutMs,
		);
		this.#engine.pace.start(sub, now);
		const outcome = await attemptDelivery(prepared, now);
		const current = this.#engine.subscription(sub.id);
		if (!current) return;
		// The head last: until it settles, a crash leaves the batch's range in place.
		for (const b of [...batch.slice(1), first]) {
			const settled = this.#engine.settle(current, b.row, b.id, outcome, now, "alarm");
			if (b === first && (settled.kind === "delivered" || settled.kind === "dead_letter"))
				setBatchEnd(sql, sub.id, first.row.seq, null);
		}
	}
}
