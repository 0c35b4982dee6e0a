/**
 * The delivery engine: everything between an appended event and its subscribers, hosted by the
 * tenant's Durable Object through `Host`. It keeps the subscriptions delivery reads, opens deliveries
 * at fan-out, runs ordered subscriptions in lanes (./lanes) and sends unordered ones to the DELIVERIES
 * queue, whose consumer makes its attempts through `claim` and `report`.
 *
 * A dispatch moves through typed stages: prepare and attempt (./deliver), classify (./classify,
 * ./retry-policy), settle (./settle, in one transaction). Its tables belong to ./delivery-store.
 */
import { log } from "../log";
import type { Envelope } from "../schema/envelope";
import { operationalSubject } from "../schema/operational";
import type { Subscription } from "../schema/subscription";
import { type AttemptOutcome, DEFAULT_TIMEOUT_MS, type PreparedAttempt, prepareAttempt } from "./deliver";
import * as store from "./delivery-store";
import { subscriptionMatches } from "./filter";
import type { Host } from "./host";
import { OrderedLanes } from "./lanes";
import { eventIdAt, eventText } from "./log-store";
import { type Settled, settle } from "./settle";

/** One alarm run delivers for at most this long, then hands over to the next run. */
const ALARM_BUDGET_MS = 25_000;
/** Extra time past the fetch timeout before an in-flight attempt counts as lost. */
const LEASE_MARGIN_MS = 10_000;
/** How long a queued unordered job may wait for a consumer before it counts as lost and is re-sent. */
const QUEUE_LEASE_MS = 15 * 60_000;
/** Due unordered deliveries sent to the queue per batch. */
const ENQUEUE_BATCH = 100;

/** What `report` tells the queue consumer when the job should come back: retry it after this delay. */
export type RetryAdvice = { retry_delay_seconds: number };

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
			targets.map((s) => s.id),
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
		await this.#host.wake(Date.now());
		return result;
	}

	/** Removes a subscription with its deliveries and attempts. False when there was none. */
	removeSubscription(id: string): boolean {
		const removed = store.removeSubscription(this.#host.sql, id);
		this.#subs = null;
		return removed;
	}

	/** Sends events (by sequence) to subscriptions again, each with a fresh retry schedule. */
	async reopen(subIds: readonly string[], seqs: readonly number[]): Promise<number> {
		const now = Date.now();
		let reopened = 0;
		this.#host.transaction(() => {
			for (const id of subIds) reopened += store.reopen(this.#host.sql, id, seqs, now);
		});
		await this.#host.wake(now);
		return reopened;
	}

	/** For the DELIVERIES consumer: the attempt to make, or null when it is no longer wanted. */
	claim(subId: string, seq: number): PreparedAttempt | null {
		const now = Date.now();
		const sql = this.#host.sql;
		const row = store.getDelivery(sql, subId, seq);
		const sub = this.subscription(subId);
		const event = eventText(sql, seq);
		if (!row || !sub || !event || row.state === "delivered" || row.state === "failed") return null;
		if (sub.status !== "active" || sub.ordering !== "unordered") {
			// Paused, disabled or switched to ordered: the job goes back to pending for whoever runs it next.
			store.setDeliveryState(sql, row, "pending", now, now);
			return null;
		}
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
		await this.#host.wake(Date.now());
		return decision.kind === "retry" && decision.viaQueue ? { retry_delay_seconds: decision.delaySeconds } : null;
	}

	/** One alarm run's delivery: queues due unordered jobs, then runs the ordered lanes for a while. */
	async run(started: number): Promise<void> {
		await this.enqueueUnordered(started);
		await this.#lanes.run(started + ALARM_BUDGET_MS);
	}

	/** Tells running lanes that new work may be due. */
	nudge(): void {
		this.#lanes.nudge();
	}

	/** The earliest time a delivery needs the alarm, or null when none does. */
	nextWake(): number | null {
		return store.nextWake(this.#host.sql);
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
		const decision = this.#host.transaction(() =>
			settle(this.#host.sql, { sub, row, eventId, outcome, at, via, queueLeaseMs: QUEUE_LEASE_MS }),
		);
		if (decision.subscriptionStatus) this.#subs = null;
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

	/** Sends due unordered deliveries to the DELIVERIES queue, marking them queued under a lease. */
	async enqueueUnordered(now: number): Promise<void> {
		const sql = this.#host.sql;
		for (;;) {
			const rows = store.dueUnordered(sql, now, ENQUEUE_BATCH);
			if (rows.length === 0) return;
			this.#host.transaction(() => {
				for (const row of rows) store.setDeliveryState(sql, row, "queued", now + QUEUE_LEASE_MS, now);
			});
			await this.#host.env.DELIVERIES.sendBatch(
				rows.map((row) => ({
					body: { object: this.#host.id, sub_id: row.sub_id, seq: row.seq },
					contentType: "json" as const,
				})),
			);
			if (rows.length < ENQUEUE_BATCH) return;
		}
	}
}
