/**
 * Ordered delivery: one lane per active ordered subscription, at most one attempt in flight in each,
 * its events strictly in sequence. The alarm runs the lanes that are due side by side, and while any
 * is mid-attempt it keeps looking for work that comes due meanwhile, so a slow subscriber holds up
 * only its own lane.
 */
import type { Subscription } from "../schema/subscription";
import { type AttemptOutcome, attemptDelivery, prepareAttempt } from "./deliver";
import { type DeliveryRow, orderedHead, setDeliveryState } from "./delivery-store";
import type { Host } from "./host";
import { eventText } from "./log-store";
import type { Settled } from "./settle";

/** A Durable Object holds about six outbound connections; more lanes would only queue inside fetch. */
const MAX_CONCURRENT_ATTEMPTS = 6;
/** While a lane is mid-attempt, the run looks for other due work at least this often. */
const LOOK_AGAIN_MS = 500;

/** What the lanes need from the delivery engine that runs them. */
export interface LaneEngine {
	readonly timeoutMs: number;
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
			const head = orderedHead(this.#host.sql, s.id);
			if (head === null) continue;
			if (head.next_at <= now) due.push(s.id);
			else if (nextAt === null || head.next_at < nextAt) nextAt = head.next_at;
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
			if (sub?.status !== "active" || sub.ordering !== "ordered" || !head || head.next_at > now) return;
			const event = eventText(sql, head.seq);
			if (!event) {
				setDeliveryState(sql, head, "failed", now, now); // pruned by retention
				continue;
			}
			// No "in flight" write: this is the only alarm run, and if it dies the row is still due and the
			// safety alarm set at the start of the run retries it.
			const outcome = await attemptDelivery(prepareAttempt(sub, event, now, this.#engine.timeoutMs), now);
			const current = this.#engine.subscription(subId);
			if (current) this.#engine.settle(current, head, event.id, outcome, now, "alarm");
		}
	}
}
