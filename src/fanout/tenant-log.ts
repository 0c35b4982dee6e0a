/**
 * One Durable Object per tenant: its ordered event log and the delivery of that log. Ingest calls
 * `append`, and answers 200 only after the event is committed here. Delivery runs from `alarm()`
 * (one alarm, set to the earliest due work): ordered subscriptions in lanes here, one attempt in
 * flight each; unordered ones through the DELIVERIES queue, whose consumer reports back via
 * `claim`/`report`. Storage lives in ./log-store and ./delivery-store; this class stays thin.
 */
import { DurableObject } from "cloudflare:workers";
import { log } from "../log";
import type { DeliveryStats } from "../schema/delivery-stats";
import type {
	AttemptView,
	EventSummary,
	LogStats,
	Page,
	StoredEventDetail,
	SubscriptionState,
} from "../schema/read-models";
import { type Subscription, SubscriptionSchema } from "../schema/subscription";
import {
	type AttemptOutcome,
	attemptDelivery,
	DEFAULT_TIMEOUT_MS,
	type PreparedAttempt,
	prepareAttempt,
} from "./deliver";
import * as store from "./delivery-store";
import { subscriptionMatches } from "./filter";
import { AppendInputSchema } from "./hand-off";
import * as queries from "./log-queries";
import {
	type AppendResult,
	appendEvent,
	countUnmatched,
	eventIdAt,
	eventText,
	nextPruneAt,
	pruneEvents,
	setNextPruneAt,
} from "./log-store";
import { migrate } from "./migrations";
import { settle } from "./settle";
import { deliveryStats } from "./stats";

/** A Durable Object holds about six outbound connections; more lanes would only queue inside fetch. */
const MAX_CONCURRENT_ATTEMPTS = 6;
/** One alarm run delivers for at most this long, then hands over to the next run. */
const ALARM_BUDGET_MS = 25_000;
/** Extra time past the fetch timeout before an in-flight attempt counts as lost. */
const LEASE_MARGIN_MS = 10_000;
/** How long a queued unordered job may wait for a consumer before it counts as lost and is re-sent. */
const QUEUE_LEASE_MS = 15 * 60_000;
const PRUNE_EVERY_MS = 3600_000;
/** While a lane is mid-attempt, the alarm looks for other due work at least this often. */
const LOOK_AGAIN_MS = 500;
const DAY_MS = 86_400_000;

/** A promise to wait on, and the function that settles it. */
function signal(): { wait: Promise<void>; fire: () => void } {
	let fire = () => {};
	const wait = new Promise<void>((resolve) => {
		fire = resolve;
	});
	return { wait, fire };
}

export class TenantLog extends DurableObject<Env> {
	#subs: Map<string, Subscription> | null = null;
	/** Fired when new work may be due (an append, a change): a running alarm looks for it at once. */
	#laneSignal = signal();

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		// SQL is synchronous; blockConcurrencyWhile makes explicit that no call sees a half-migrated schema.
		void ctx.blockConcurrencyWhile(async () => migrate(ctx.storage));
	}

	get #sql(): SqlStorage {
		return this.ctx.storage.sql;
	}

	get #timeoutMs(): number {
		const seconds = Number(this.env.DELIVERY_TIMEOUT_SECONDS);
		return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_TIMEOUT_MS;
	}

	#subscriptions(): Map<string, Subscription> {
		this.#subs ??= new Map(store.readSubscriptions(this.#sql).map((s) => [s.id, s]));
		return this.#subs;
	}

	/** Dedupes, sequences and stores one event, and opens its deliveries. Idempotent. */
	async append(input: unknown): Promise<AppendResult> {
		const parsed = AppendInputSchema.parse(input); // RPC input is a trust boundary
		const now = Date.now();
		let deliverNow = false;
		const result = this.ctx.storage.transactionSync(() => {
			const { result, envelope } = appendEvent(this.#sql, parsed, now);
			if (envelope) {
				const targets = [...this.#subscriptions().values()].filter(
					(s) => s.status !== "disabled" && subscriptionMatches(s, envelope),
				);
				if (targets.length === 0) countUnmatched(this.#sql);
				store.fanOut(
					this.#sql,
					envelope.sequence,
					targets.map((s) => s.id),
					now,
				);
				deliverNow = targets.some((s) => s.status === "active");
			}
			return result;
		});
		// Each setAlarm is a billed row write: wake now only for deliveries; otherwise make sure the hourly
		// pruning will run (a no-op when an alarm is already set earlier, as it is during a stream).
		if (!result.duplicate) await this.#wake(deliverNow ? now : this.#nextPruneAt(now));
		return result;
	}

	#nextPruneAt(now: number): number {
		return nextPruneAt(this.#sql) || now + PRUNE_EVERY_MS;
	}

	/** Removes the whole log, for tenant deletion: every table and the alarm. The object starts empty. */
	async destroy(): Promise<void> {
		await this.ctx.storage.deleteAlarm();
		await this.ctx.storage.deleteAll();
		this.#subs = null;
		migrate(this.ctx.storage);
	}

	/** Creates or replaces the copy of a subscription that delivery reads. */
	async putSubscription(input: unknown): Promise<{ created: boolean }> {
		const sub = SubscriptionSchema.parse(input);
		const previous = this.#subscriptions().get(sub.id);
		const result = store.upsertSubscription(this.#sql, sub);
		this.#subs = null;
		// Resuming from a pause retries the held head event with a fresh schedule.
		if (previous && previous.status !== "active" && sub.status === "active")
			store.restartOpen(this.#sql, sub.id, Date.now());
		await this.#wake(Date.now());
		return result;
	}

	async deleteSubscription(id: string): Promise<boolean> {
		const removed = store.removeSubscription(this.#sql, id);
		this.#subs = null;
		return removed;
	}

	async getSubscription(id: string): Promise<(Subscription & { state: SubscriptionState }) | null> {
		const sub = this.#subscriptions().get(id);
		return sub ? { ...sub, state: queries.subscriptionState(this.#sql, id) } : null;
	}

	async listSubscriptions(): Promise<Subscription[]> {
		return [...this.#subscriptions().values()];
	}

	async setStatus(id: string, status: "active" | "paused"): Promise<Subscription | null> {
		const sub = this.#subscriptions().get(id);
		if (!sub) return null;
		await this.putSubscription({ ...sub, status });
		return this.#subscriptions().get(id) ?? null;
	}

	/** Re-sends a subscription's matching events from a sequence or a time, in sequence order. */
	async replay(id: string, from: { since_sequence?: number; since?: number }): Promise<{ replayed: number } | null> {
		const sub = this.#subscriptions().get(id);
		if (!sub) return null;
		const seqs = queries.matchingSince(this.#sql, sub, from);
		const replayed = this.ctx.storage.transactionSync(() => store.reopen(this.#sql, id, seqs, Date.now()));
		await this.#wake(Date.now());
		return { replayed };
	}

	/** Re-sends one event to one subscription, or to every subscription it matches. */
	async redeliver(eventId: string, subId?: string): Promise<{ subscriptions: string[] } | null> {
		const event = queries.eventRef(this.#sql, eventId);
		if (!event) return null;
		const subs = subId
			? [this.#subscriptions().get(subId)].filter((s) => s !== undefined)
			: [...this.#subscriptions().values()].filter((s) => subscriptionMatches(s, event));
		if (subId && subs.length === 0) return null;
		this.ctx.storage.transactionSync(() => {
			for (const s of subs) store.reopen(this.#sql, s.id, [event.sequence], Date.now());
		});
		await this.#wake(Date.now());
		return { subscriptions: subs.map((s) => s.id) };
	}

	async listEvents(opts: queries.ListEventsOptions): Promise<Page<EventSummary>> {
		return queries.listEvents(this.#sql, opts);
	}

	async getEvent(id: string): Promise<StoredEventDetail | null> {
		return queries.eventById(this.#sql, id);
	}

	async listAttempts(subId: string, opts: { limit: number; cursor?: number }): Promise<Page<AttemptView>> {
		return queries.listAttempts(this.#sql, subId, opts);
	}

	async stats(): Promise<LogStats> {
		return queries.stats(this.#sql);
	}

	/** Counts, attempt latency and an hourly series over the last hour and day, for GET /v1/stats. */
	async deliveryStats(): Promise<DeliveryStats> {
		return deliveryStats(this.#sql, Date.now());
	}

	/** For the DELIVERIES consumer: the attempt to make, or null when it is no longer wanted. */
	async claim(subId: string, seq: number): Promise<PreparedAttempt | null> {
		const now = Date.now();
		const row = store.getDelivery(this.#sql, subId, seq);
		const sub = this.#subscriptions().get(subId);
		const event = eventText(this.#sql, seq);
		if (!row || !sub || !event || row.state === "delivered" || row.state === "failed") return null;
		if (sub.status !== "active" || sub.ordering !== "unordered") {
			// Paused, disabled or switched to ordered: the job goes back to pending for whoever runs it next.
			store.setDeliveryState(this.#sql, row, "pending", now, now);
			return null;
		}
		store.setDeliveryState(this.#sql, row, "queued", now + this.#timeoutMs + LEASE_MARGIN_MS, now);
		return prepareAttempt(sub, event, now, this.#timeoutMs);
	}

	/** For the DELIVERIES consumer: records its attempt; says how long to wait when it should retry. */
	async report(
		subId: string,
		seq: number,
		outcome: AttemptOutcome,
		at: number,
	): Promise<{ retry_delay_seconds: number } | null> {
		const row = store.getDelivery(this.#sql, subId, seq);
		const sub = this.#subscriptions().get(subId);
		const eventId = eventIdAt(this.#sql, seq); // the id only: the body went out with the claim
		if (!row || !sub || !eventId) return null;
		const decision = this.#settle(sub, row, eventId, outcome, at, "queue");
		await this.#wake(Date.now());
		return decision.kind === "retry" && decision.viaQueue ? { retry_delay_seconds: decision.delaySeconds } : null;
	}

	override async alarm(): Promise<void> {
		const started = Date.now();
		// If this run dies mid-attempt (eviction, crash, deploy), this brings it back after the leases expire.
		await this.ctx.storage.setAlarm(started + this.#timeoutMs + LEASE_MARGIN_MS);
		this.#maybePrune(started);
		await this.#enqueueUnordered(started);
		await this.#runOrderedLanes(started + ALARM_BUDGET_MS);
		await this.#reschedule();
	}

	/**
	 * Runs the due ordered lanes, at most MAX_CONCURRENT_ATTEMPTS at once and one per subscription,
	 * until none is due and none is mid-attempt. While any lane is busy it keeps looking: work that
	 * comes due meanwhile (a new event, another lane's retry, an unordered job) starts at once, not
	 * after a slow subscriber's attempt ends.
	 */
	async #runOrderedLanes(deadline: number): Promise<void> {
		const running = new Map<string, Promise<void>>();
		while (Date.now() < deadline) {
			const { due, nextAt } = this.#lanes(Date.now(), running);
			for (const id of due.slice(0, MAX_CONCURRENT_ATTEMPTS - running.size)) {
				running.set(
					id,
					this.#runLane(id, deadline).finally(() => running.delete(id)),
				);
			}
			if (running.size === 0) return;
			await this.#enqueueUnordered(Date.now());
			// Until a lane finishes, new work is signalled, a retry comes due, or it is time to look again.
			const waitMs = Math.min(nextAt ?? Number.POSITIVE_INFINITY, Date.now() + LOOK_AGAIN_MS, deadline) - Date.now();
			let timer: ReturnType<typeof setTimeout> | null = null;
			await Promise.race([
				...running.values(),
				this.#laneSignal.wait,
				new Promise((resolve) => {
					timer = setTimeout(resolve, Math.max(0, waitMs));
				}),
			]);
			clearTimeout(timer);
		}
		await Promise.all(running.values());
	}

	/** Active ordered subscriptions not running whose head is due, and the earliest head due later. */
	#lanes(now: number, running: Map<string, unknown>): { due: string[]; nextAt: number | null } {
		const due: string[] = [];
		let nextAt: number | null = null;
		for (const s of this.#subscriptions().values()) {
			if (s.status !== "active" || s.ordering !== "ordered" || running.has(s.id)) continue;
			const head = store.orderedHead(this.#sql, s.id);
			if (head === null) continue;
			if (head.next_at <= now) due.push(s.id);
			else if (nextAt === null || head.next_at < nextAt) nextAt = head.next_at;
		}
		return { due, nextAt };
	}

	/** Tells a running alarm that new work may be due. */
	#wakeLanes(): void {
		this.#laneSignal.fire();
		this.#laneSignal = signal();
	}

	/** Delivers one ordered subscription's events one at a time, in sequence, while they are due. */
	async #runLane(subId: string, deadline: number): Promise<void> {
		while (Date.now() < deadline) {
			// Re-read both after every await: the input gate opened during fetch, so a pause, a new
			// event or a replay may have landed meanwhile.
			const sub = this.#subscriptions().get(subId);
			const head = store.orderedHead(this.#sql, subId);
			const now = Date.now();
			if (sub?.status !== "active" || sub.ordering !== "ordered" || !head || head.next_at > now) return;
			const event = eventText(this.#sql, head.seq);
			if (!event) {
				store.setDeliveryState(this.#sql, head, "failed", now, now); // pruned by retention
				continue;
			}
			// No "in flight" write: this is the only alarm run, and if it dies the row is still due and the
			// safety alarm set at the start of the run retries it.
			const outcome = await attemptDelivery(prepareAttempt(sub, event, now, this.#timeoutMs), now);
			const current = this.#subscriptions().get(subId);
			if (current) this.#settle(current, head, event.id, outcome, now, "alarm");
		}
	}

	#settle(
		sub: Subscription,
		row: store.DeliveryRow,
		eventId: string,
		outcome: AttemptOutcome,
		at: number,
		via: "alarm" | "queue",
	) {
		const decision = this.ctx.storage.transactionSync(() =>
			settle(this.#sql, { sub, row, eventId, outcome, at, via, queueLeaseMs: QUEUE_LEASE_MS }),
		);
		if (decision.subscriptionStatus) this.#subs = null;
		log("info", "delivery attempt", {
			tenant: this.ctx.id.name,
			subscription: sub.id,
			event_id: eventId,
			sequence: row.seq,
			via,
			status: outcome.status,
			error: outcome.classification.outcome === "retry" ? outcome.classification.error : null,
			outcome: decision.kind,
			latency_ms: outcome.latencyMs,
		});

		return decision;
	}

	/** Sends due unordered deliveries to the DELIVERIES queue, marking them queued under a lease. */
	async #enqueueUnordered(now: number): Promise<void> {
		const target = this.ctx.id.toString();
		for (;;) {
			const rows = store.dueUnordered(this.#sql, now, 100);
			if (rows.length === 0) return;
			this.ctx.storage.transactionSync(() => {
				for (const row of rows) store.setDeliveryState(this.#sql, row, "queued", now + QUEUE_LEASE_MS, now);
			});
			await this.env.DELIVERIES.sendBatch(
				rows.map((row) => ({
					body: { object: target, sub_id: row.sub_id, seq: row.seq },
					contentType: "json" as const,
				})),
			);
			if (rows.length < 100) return;
		}
	}

	#maybePrune(now: number): void {
		if (now < nextPruneAt(this.#sql)) return;
		const days = Math.max(7, Number(this.env.RETENTION_DAYS) || 30);
		this.ctx.storage.transactionSync(() => {
			const last = pruneEvents(this.#sql, now - days * DAY_MS, now);
			if (last !== null) store.pruneDeliveries(this.#sql, last);
			setNextPruneAt(this.#sql, now + PRUNE_EVERY_MS);
		});
	}

	/** Sets the one alarm to the earliest due work, or clears it when there is none. */
	async #reschedule(): Promise<void> {
		const due = store.nextWake(this.#sql);
		const hasEvents = queries.hasEvents(this.#sql);
		const pruneAt = hasEvents ? nextPruneAt(this.#sql) : null;
		const candidates = [due, pruneAt].filter((t): t is number => t !== null);
		if (candidates.length === 0) return this.ctx.storage.deleteAlarm();
		const at = Math.max(Date.now(), Math.min(...candidates));
		// Setting the alarm to the time it already has would still bill a row write.
		if ((await this.ctx.storage.getAlarm()) !== at) await this.ctx.storage.setAlarm(at);
	}

	/** Makes sure the alarm fires no later than `at`. */
	async #wake(at: number): Promise<void> {
		this.#wakeLanes();
		const current = await this.ctx.storage.getAlarm();
		if (current === null || current > at) await this.ctx.storage.setAlarm(at);
	}
}
