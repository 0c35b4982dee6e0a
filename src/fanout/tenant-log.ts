/**
 * One Durable Object per tenant: its ordered event log and the delivery of that log. Ingest calls
 * `append`, and answers 200 only after the event is committed here. The object is a host (./host):
 * the log's storage is ./log-store, delivery is ./engine (ordered lanes run inside `alarm()`,
 * unordered jobs go through the DELIVERIES queue, whose consumer calls `claim`/`report`), retention
 * is ./retention. Each reports when it next needs the alarm; this class keeps the one alarm at the
 * earliest of them.
 */
import { DurableObject } from "cloudflare:workers";
import type { z } from "zod";
import { log } from "../log";
import type { DeliveryStats } from "../schema/delivery-stats";
import { type PendingEnvelope, SlugSchema } from "../schema/envelope";
import { SourceRejectingDataSchema } from "../schema/operational";
import type {
	AttemptView,
	EventSummary,
	LogStats,
	Page,
	RejectionPage,
	StoredEventDetail,
	SubscriptionState,
} from "../schema/read-models";
import { type Subscription, SubscriptionSchema, subscriptionShapeProblem } from "../schema/subscription";
import type { AttemptOutcome } from "./deliver";
import { type Claim, DeliveryEngine, type RetryAdvice } from "./engine";
import { type AppendInput, AppendInputSchema } from "./hand-off";
import type { Host } from "./host";
import * as queries from "./log-queries";
import { type AppendResult, appendEvent, countUnmatched } from "./log-store";
import { migrate } from "./migrations";
import { OperationalEvents, wantedBy } from "./operational";
import { Polling, type PollResult } from "./polling";
import * as redelivery from "./redelivery";
import * as rejections from "./rejection-log";
import { RejectionBatchSchema, type RejectionTally } from "./rejection-log";
import { nextPruneDue, pruneDueAfterAppend, pruneIfDue } from "./retention";
import { deliveryStats } from "./stats";

const SourceRejectingCountsSchema = SourceRejectingDataSchema.omit({ source_id: true });
type SourceRejectingCounts = z.infer<typeof SourceRejectingCountsSchema>;

export class TenantLog extends DurableObject<Env> {
	readonly #host: Host;
	readonly #engine: DeliveryEngine;
	readonly #polling: Polling;
	readonly #ops: OperationalEvents;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		// SQL is synchronous; blockConcurrencyWhile makes explicit that no call sees a half-migrated schema.
		void ctx.blockConcurrencyWhile(async () => migrate(ctx.storage));
		this.#host = {
			get sql() {
				return ctx.storage.sql;
			},
			transaction: (fn) => ctx.storage.transactionSync(fn),
			env,
			id: ctx.id.toString(),
			tenant: ctx.id.name,
			wake: (at) => this.#wake(at),
		};
		const subscriptions = () => this.#engine.subscriptions();
		this.#ops = new OperationalEvents(this.#host, (e) => this.#appendOperational(e), wantedBy(subscriptions));
		this.#engine = new DeliveryEngine(this.#host, (settled) => this.#ops.afterSettle(settled));
		this.#polling = new Polling(this.#host, (id) => this.#engine.subscription(id));
	}

	get #sql(): SqlStorage {
		return this.ctx.storage.sql;
	}

	/** Dedupes, sequences and stores one event, and opens its deliveries. Idempotent. */
	async append(input: unknown): Promise<AppendResult> {
		const parsed = AppendInputSchema.parse(input); // RPC input is a trust boundary
		const now = Date.now();
		const { result, deliverNow } = this.#commit(parsed, now);
		if (!result.duplicate) await this.#afterAppend(deliverNow, now);
		return result;
	}

	/**
	 * For the source refusal log: reports that `source` started refusing requests in bulk, as a
	 * `hookfan.source.rejecting` event (at most once an hour per source). Says whether one was appended.
	 */
	async sourceRejecting(source: string, counts: unknown): Promise<boolean> {
		const parsed = SourceRejectingCountsSchema.parse(counts);
		return this.#ops.sourceRejecting(SlugSchema.parse(source), parsed, Date.now());
	}

	/** Appends and fans out in one transaction: a sequence never exists without its deliveries. */
	#commit(input: AppendInput, now: number): { result: AppendResult; deliverNow: boolean } {
		return this.ctx.storage.transactionSync(() => {
			const { result, envelope } = appendEvent(this.#sql, input, now);
			let deliverNow = false;
			if (envelope) {
				const fanned = this.#engine.fanOut(envelope, now);
				if (fanned.routed === 0) countUnmatched(this.#sql);
				deliverNow = fanned.deliverNow;
			}
			return { result, deliverNow };
		});
	}

	/** After a new event: wakes waiting polls, and the alarm when something can be delivered. */
	async #afterAppend(deliverNow: boolean, now: number): Promise<void> {
		this.#polling.wakeAll();
		// Each setAlarm is a billed row write: wake now only for deliveries; otherwise make sure the hourly
		// pruning will run (a no-op when an alarm is already set earlier, as it is during a stream).
		await this.#wake(deliverNow ? now : pruneDueAfterAppend(this.#host, now));
	}

	/** Appends an operational event from inside the object (./operational); called synchronously. */
	#appendOperational(envelope: PendingEnvelope): void {
		const now = Date.now();
		const { deliverNow } = this.#commit({ envelope, dedupe_key: envelope.id }, now);
		this.#afterAppend(deliverNow, now).catch((err: unknown) =>
			log("error", "waking after an operational event failed", { tenant: this.#host.tenant, error: String(err) }),
		);
	}

	/** Removes the whole log, for tenant deletion: every table and the alarm. The object starts empty. */
	async destroy(): Promise<void> {
		await this.ctx.storage.deleteAlarm();
		await this.ctx.storage.deleteAll();
		this.#engine.forget();
		migrate(this.ctx.storage);
		this.#polling.wakeAll();
	}

	/** Creates or replaces the copy of a subscription that delivery reads. */
	async putSubscription(input: unknown): Promise<{ created: boolean }> {
		const sub = SubscriptionSchema.parse(input);
		const shape = subscriptionShapeProblem(sub);
		if (shape) throw new Error(`inconsistent subscription ${sub.id}: ${shape}`); // the routes refuse these first
		// No await between the polling position and the engine's write: they commit together.
		this.#polling.start(sub);
		const result = await this.#engine.putSubscription(sub);
		this.#polling.wakeAll(); // a waiting poll reads again with the new filters
		return result;
	}

	async deleteSubscription(id: string): Promise<boolean> {
		this.#polling.remove(id);
		this.#ops.forget(id);
		const removed = this.#engine.removeSubscription(id);
		this.#polling.wakeAll(); // a poll waiting on it answers 404
		return removed;
	}

	async getSubscription(id: string): Promise<(Subscription & { state: SubscriptionState }) | null> {
		const sub = this.#engine.subscription(id);
		if (!sub) return null;
		if (sub.type === "polling") return { ...sub, state: this.#polling.state(id) };
		return { ...sub, state: queries.subscriptionState(this.#sql, id, sub.ordering) };
	}

	/** One poll of a polling subscription (./polling): a page of matching envelopes, or why there is none. */
	async poll(id: string, input: unknown): Promise<PollResult> {
		return this.#polling.poll(id, input);
	}

	async listSubscriptions(): Promise<Subscription[]> {
		return this.#engine.subscriptions();
	}

	async setStatus(id: string, status: "active" | "paused"): Promise<Subscription | null> {
		const sub = this.#engine.subscription(id);
		if (!sub) return null;
		await this.#engine.putSubscription({ ...sub, status });
		return this.#engine.subscription(id) ?? null;
	}

	/** Re-sends a subscription's matching events from a sequence or a time, in sequence order. */
	async replay(id: string, from: { since_sequence?: number; since?: number }): Promise<{ replayed: number } | null> {
		return redelivery.replay(this.#engine, this.#sql, id, from);
	}

	/** Re-sends one event to one subscription, or to every subscription it matches. */
	async redeliver(eventId: string, subId?: string): Promise<{ subscriptions: string[] } | null> {
		return redelivery.redeliver(this.#engine, this.#sql, eventId, subId);
	}

	async listEvents(opts: queries.ListEventsOptions): Promise<Page<EventSummary>> {
		return queries.listEvents(this.#sql, opts);
	}

	async getEvent(id: string): Promise<StoredEventDetail | null> {
		return queries.eventById(this.#sql, id);
	}

	/**
	 * Records ingest's report of refused requests to one source; returns where the source stands, so a
	 * caller can tell when it starts refusing in bulk (`bulk_started`).
	 */
	async recordRejections(input: unknown): Promise<RejectionTally> {
		const batch = RejectionBatchSchema.parse(input); // RPC input is a trust boundary
		const now = Date.now();
		// Crossing into bulk refusal (likely a wrong secret) is news for the tenant's `hookfan.*` subscribers.
		const onBulk = (source: string, counts: SourceRejectingCounts) => this.#ops.sourceRejecting(source, counts, now);
		return this.ctx.storage.transactionSync(() => rejections.recordRejections(this.#sql, batch, now, onBulk));
	}

	/** A source's recent rejections, newest first, with its counters. */
	async listRejections(source: string, opts: { limit: number; cursor?: number }): Promise<RejectionPage> {
		return rejections.listRejections(this.#sql, source, opts);
	}

	/** Forgets a deleted source's rejections and counters. */
	async forgetRejections(source: string): Promise<void> {
		this.ctx.storage.transactionSync(() => rejections.forgetRejections(this.#sql, source));
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
	async claim(subId: string, seq: number): Promise<Claim> {
		return this.#engine.claim(subId, seq);
	}

	/** For the DELIVERIES consumer: records its attempt; says how long to wait when it should retry. */
	async report(subId: string, seq: number, outcome: AttemptOutcome, at: number): Promise<RetryAdvice | null> {
		return this.#engine.report(subId, seq, outcome, at);
	}

	override async alarm(): Promise<void> {
		const started = Date.now();
		// If this run dies mid-attempt (eviction, crash, deploy), this brings it back after the leases expire.
		await this.ctx.storage.setAlarm(started + this.#engine.attemptLeaseMs);
		pruneIfDue(this.#host, started);
		await this.#engine.run(started);
		await this.#reschedule();
	}

	/** Sets the one alarm to the earliest time a capability needs it, or clears it when none does. */
	async #reschedule(): Promise<void> {
		const candidates = [this.#engine.nextWake(), nextPruneDue(this.#host)].filter((t): t is number => t !== null);
		if (candidates.length === 0) return this.ctx.storage.deleteAlarm();
		const at = Math.max(Date.now(), Math.min(...candidates));
		// Setting the alarm to the time it already has would still bill a row write.
		if ((await this.ctx.storage.getAlarm()) !== at) await this.ctx.storage.setAlarm(at);
	}

	/** Makes sure the alarm fires no later than `at`, and nudges a running alarm's lanes. */
	async #wake(at: number): Promise<void> {
		this.#engine.nudge();
		const current = await this.ctx.storage.getAlarm();
		if (current === null || current > at) await this.ctx.storage.setAlarm(at);
	}
}
