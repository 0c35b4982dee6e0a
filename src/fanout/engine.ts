/**
 * The delivery engine: everything between an appended event and its subscribers, hosted by the
 * tenant's Durable Object through `Host`. It keeps the subscriptions delivery reads, opens deliveries
 * at fan-out, runs ordered subscriptions in lanes (./lanes) and sends unordered and per_key ones to the
 * DELIVERIES queue, whose consumer makes its attempts through `claim` and `report`. The object decides
 * what is due (a per_key subscription's key heads in sequence order, up to `max_in_flight`); the
 * queue's consumers make the attempts, so they are not bounded by the object's own connections.
 *
 * A dispatch moves through typed stages: prepare and attempt (./deliver), classify (./classify,
 * ./retry-policy), settle (./settle, in one transaction). Its tables belong to ./delivery-store.
 */
import { log } from "../log";
import type { Envelope } from "../schema/envelope";
import { operationalSubject } from "../schema/operational";
import { maxInFlight, type Subscription } from "../schema/subscription";
import { type AttemptOutcome, DEFAULT_TIMEOUT_MS, type PreparedAttempt, prepareAttempt } from "./deliver";
import * as store from "./delivery-store";
import { subscriptionMatches } from "./filter";
import type { Host } from "./host";
import { OrderedLanes } from "./lanes";
import { eventIdAt, eventText } from "./log-store";
import { orderingKeyOf } from "./ordering-key";
import { SubscriptionPace } from "./pace";
import { type Settled, settle } from "./settle";

/** One alarm run delivers for at most this long, then hands over to the next run. */
const ALARM_BUDGET_MS = 25_000;
/** Extra time past the fetch timeout before an in-flight attempt counts as lost. */
const LEASE_MARGIN_MS = 10_000;
/** How long a queued unordered job may wait for a consumer before it counts as lost and is re-sent. */
const QUEUE_LEASE_MS = 15 * 60_000;
/** Jobs sent to the queue per sendBatch call (the most Queues takes in one). */
const ENQUEUE_BATCH = 100;

/** Whether a subscription's attempts go through the DELIVERIES queue. */
function viaQueue(sub: Subscription): boolean {
	return sub.ordering === "unordered" || sub.ordering === "per_key";
}

/** What `report` tells the queue consumer when the job should come back: retry it after this delay. */
export type RetryAdvice = { retry_delay_seconds: number };

/**
 * What `claim` answers: the attempt to make; "not yet" with how long to wait (the subscription's
 * rate limit or a Retry-After holds it); or null when the job is no longer wanted.
 */
export type Claim = PreparedAttempt | { retry_in_ms: number } | null;

/** One settled attempt, as the engine tells its observer (the operational events, ./operational). */
export interface SettledAttempt {
	sub: Subscription;
	outcome: AttemptOutcome;
	decision: Settled;
	at: number;
}

export class DeliveryEngine {
	readonly #host: Host;
	readonly #lanes: OrderedLanes;
	readonly #onSettled: (settled: SettledAttempt) => void;
	#subs: Map<string, Subscription> | null = null;
	/** Every attempt start of this tenant's subscriptions goes through it: lanes and claims alike. */
	readonly pace = new SubscriptionPace();

	/** `onSettled` hears of every settled attempt, after its transaction committed. */
	constructor(host: Host, onSettled: (settled: SettledAttempt) => void = () => {}) {
		this.#host = host;
		this.#onSettled = onSettled;
		this.#lanes = new OrderedLanes(host, this);
	}

	/** How long the sender waits for a subscriber, in ms (`DELIVERY_TIMEOUT_SECONDS`, else 15 s). */
	get timeoutMs(): number {
		const seconds = Number(this.#host.env.DELIVERY_TIMEOUT_SECONDS);
		return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_TIMEOUT_MS;
	}

	/** How long an attempt may be in flight before it counts as lost, in ms. */
	get attemptLeaseMs(): number {
		return this.timeoutMs + LEASE_MARGIN_MS;
	}

	subscription(id: string): Subscription | undefined {
		return this.#all().get(id);
	}

	/** Every subscription, by id. */
	subscriptions(): Subscription[] {
		return [...this.#all().values()];
	}

	#all(): Map<string, Subscription> {
		this.#subs ??= new Map(store.readSubscriptions(this.#host.sql).map((s) => [s.id, s]));
		return this.#subs;
	}

	/** Drops what it remembers of storage, after the object's storage was deleted. */
	forget(): void {
		this.#subs = null;
	}

	/**
	 * Opens a delivery for each subscription a just-appended event goes to. Runs inside the append's
	 * transaction. Says how many subscriptions it went to, and whether one of them can send it now.
	 * A paused or disabled subscription gets its rows too: they are held (nothing picks up a row of a
	 * subscription that is not active) until a resume sends them in order, or retention prunes them.
	 */
	fanOut(envelope: Envelope, now: number): { routed: number; deliverNow: boolean } {
		// Polling subscriptions get no delivery rows: their consumers read the log (./polling). An
		// operational event about a subscription never goes to that subscription (./operational).
		const subject = operationalSubject(envelope);
		const targets = this.subscriptions().filter(
			(s) => s.type === "webhook" && s.id !== subject && subscriptionMatches(s, envelope),
		);
		store.fanOut(
			this.#host.sql,
			envelope.sequence,
			targets.map((s) => ({ subId: s.id, key: orderingKeyOf(s, envelope) })),
			now,
		);
		return { routed: targets.length, deliverNow: targets.some((s) => s.status === "active") };
	}

	/** Creates or replaces a subscription; resuming one from a pause or disable restarts its held events. */
	async putSubscription(sub: Subscription): Promise<{ created: boolean }> {
		const previous = this.subscription(sub.id);
		// No await between these writes: the object commits them together.
		const result = store.upsertSubscription(this.#host.sql, sub);
		this.#subs = null;
		if (previous && previous.status !== "active" && sub.status === "active")
			store.restartOpen(this.#host.sql, sub.id, Date.now());
		// Rows opened before it ordered per key (or by another key) learn their key now.
		if (sub.ordering === "per_key" && previous)
			store.keyOpenRows(this.#host.sql, sub.id, (seq) => this.#keyAt(sub, seq) ?? "", {
				all: previous.ordering === "per_key" && previous.ordering_key !== sub.ordering_key,
			});
		await this.#host.wake(Date.now());
		return result;
	}

	/** Removes a subscription with its deliveries and attempts. False when there was none. */
	removeSubscription(id: string): boolean {
		const removed = store.removeSubscription(this.#host.sql, id);
		this.pace.forget(id);
		this.#subs = null;
		return removed;
	}

	/** Sends events (by sequence) to subscriptions again, each with a fresh retry schedule. */
	async reopen(subIds: readonly string[], seqs: readonly number[]): Promise<number> {
		const now = Date.now();
		let reopened = 0;
		this.#host.transaction(() => {
			for (const id of subIds) {
				const sub = this.subscription(id);
				const keyOf = (seq: number) => (sub ? this.#keyAt(sub, seq) : null);
				reopened += store.reopen(this.#host.sql, id, seqs, now, keyOf);
			}
		});
		await this.#host.wake(now);
		return reopened;
	}

	/** The ordering key of the event at `seq` for `sub` (null unless per_key, or when it was pruned). */
	#keyAt(sub: Subscription, seq: number): string | null {
		if (sub.ordering !== "per_key") return null;
		const event = eventText(this.#host.sql, seq);
		return event ? orderingKeyOf(sub, JSON.parse(event.envelope)) : null;
	}

	/** For the DELIVERIES consumer: the attempt to make, "not yet", or null when it is no longer wanted. */
	claim(subId: string, seq: number): Claim {
		const now = Date.now();
		const sql = this.#host.sql;
		const row = store.getDelivery(sql, subId, seq);
		const sub = this.subscription(subId);
		const event = eventText(sql, seq);
		if (!row || !sub || !event || row.state === "delivered" || row.state === "failed") return null;
		// A per_key job is sent only as its key's head; one that is no longer queued is stale (a resume or
		// a replay reset its row), and the object dispatches the row again in key order.
		if (sub.ordering === "per_key" && row.state !== "queued") return null;
		if (sub.status !== "active" || !viaQueue(sub)) {
			// Paused, disabled or switched to ordered: the job goes back to pending for whoever runs it next.
			store.setDeliveryState(sql, row, "pending", now, now);
			return null;
		}
		const wait = this.pace.wait(sub, now);
		if (wait > 0) {
			// The job comes back after the wait: its lease covers the wait, so the alarm does not resend it.
			store.setDeliveryState(sql, row, "queued", now + wait + this.attemptLeaseMs, now);
			return { retry_in_ms: wait };
		}
		this.pace.start(sub, now);
		store.setDeliveryState(sql, row, "queued", now + this.attemptLeaseMs, now);
		return prepareAttempt(sub, event, now, this.timeoutMs);
	}

	/** For the DELIVERIES consumer: settles its attempt; says how long to wait when it should retry. */
	async report(subId: string, seq: number, outcome: AttemptOutcome, at: number): Promise<RetryAdvice | null> {
		const row = store.getDelivery(this.#host.sql, subId, seq);
		const sub = this.subscription(subId);
		const eventId = eventIdAt(this.#host.sql, seq); // the id only: the body went out with the claim
		if (!row || !sub || !eventId) return null;
		const decision = this.settle(sub, row, eventId, outcome, at, "queue");
		// The key's next row (or the slot this attempt held) is free now: send it at once rather than on
		// the next alarm, then make sure the alarm covers what is left.
		await this.enqueueQueued(Date.now());
		const next = this.nextWake();
		if (next !== null) await this.#host.wake(next);
		return decision.kind === "retry" && decision.viaQueue ? { retry_delay_seconds: decision.delaySeconds } : null;
	}

	/** One alarm run's delivery: queues due unordered jobs, then runs the ordered lanes for a while. */
	async run(started: number): Promise<void> {
		await this.enqueueQueued(started);
		await this.#lanes.run(started + ALARM_BUDGET_MS);
	}

	/** Tells running lanes that new work may be due. */
	nudge(): void {
		this.#lanes.nudge();
	}

	/** The earliest time a delivery needs the alarm, or null when none does. */
	nextWake(): number | null {
		const now = Date.now();
		return store.nextWake(this.#host.sql, this.subscriptions(), now, (sub) => now + this.pace.wait(sub, now));
	}

	/** The settle stage: applies an attempt's outcome in one transaction, and logs the attempt. */
	settle(
		sub: Subscription,
		row: store.DeliveryRow,
		eventId: string,
		outcome: AttemptOutcome,
		at: number,
		via: "alarm" | "queue",
	): Settled {
		// The object dispatches a queue subscription's retries itself when they come due, so a waiting
		// retry holds no in-flight slot and a per_key key stays blocked behind it.
		const retryByQueue = false;
		const decision = this.#host.transaction(() =>
			settle(this.#host.sql, { sub, row, eventId, outcome, at, via, queueLeaseMs: QUEUE_LEASE_MS, retryByQueue }),
		);
		if (decision.subscriptionStatus) this.#subs = null;
		// A 429 or 503 with Retry-After slows the whole subscription, not only this delivery.
		const { classification } = outcome;
		if (classification.outcome === "retry" && classification.retryAfterMs !== null)
			this.pace.holdUntil(sub.id, at + outcome.latencyMs + classification.retryAfterMs);
		log("info", "delivery attempt", {
			tenant: this.#host.tenant,
			subscription: sub.id,
			event_id: eventId,
			sequence: row.seq,
			via,
			status: outcome.status,
			error: outcome.classification.outcome === "retry" ? outcome.classification.error : null,
			outcome: decision.kind,
			latency_ms: outcome.latencyMs,
		});
		this.#onSettled({ sub, outcome, decision, at });
		return decision;
	}

	/**
	 * Sends what is due of unordered and per_key subscriptions to the DELIVERIES queue, marking it
	 * queued under a lease: for each, up to `max_in_flight` minus what it has in flight; for per_key,
	 * only the heads of keys with nothing in flight, lowest sequence first. Choosing and marking happen
	 * with no await between them, so two concurrent calls never send one row twice.
	 */
	async enqueueQueued(now: number): Promise<void> {
		const sql = this.#host.sql;
		const rows = this.#host.transaction(() => {
			const picked: store.DeliveryRow[] = [];
			for (const sub of this.subscriptions()) {
				if (sub.status !== "active" || !viaQueue(sub)) continue;
				const room = maxInFlight(sub) - store.inFlight(sql, sub.id, now);
				if (room <= 0) continue;
				const due =
					sub.ordering === "per_key"
						? store.dueKeyHeads(sql, sub.id, now, room)
						: store.dueUnordered(sql, sub.id, now, room);
				for (const row of due) store.setDeliveryState(sql, row, "queued", now + QUEUE_LEASE_MS, now);
				picked.push(...due);
			}
			return picked;
		});
		for (let i = 0; i < rows.length; i += ENQUEUE_BATCH) {
			await this.#host.env.DELIVERIES.sendBatch(
				rows.slice(i, i + ENQUEUE_BATCH).map((row) => ({
					body: { object: this.#host.id, sub_id: row.sub_id, seq: row.seq },
					contentType: "json" as const,
				})),
			);
		}
	}
}
