/**
 * One Durable Object per tenant: its ordered event log and the delivery of that log. Ingest calls
 * `append`, and answers 200 only after the event is committed here. The object is a host (./host):
 * the log's storage is ./log-store, delivery is ./engine (ordered lanes run inside `alarm()`,
 * unordered jobs go through the DELIVERIES queue, whose consumer calls `claim`/`report`), retention
 * is ./retention. Each reports when it next needs the alarm; this class keeps the one alarm at the
 * earliest of them.
 */
import { DurableObject } from "cloudflare:workers";
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
import type { AttemptOutcome, PreparedAttempt } from "./deliver";
import { DeliveryEngine, type RetryAdvice } from "./engine";
import { subscriptionMatches } from "./filter";
import { AppendInputSchema } from "./hand-off";
import type { Host } from "./host";
import * as queries from "./log-queries";
import { type AppendResult, appendEvent, countUnmatched } from "./log-store";
import { migrate } from "./migrations";
import { nextPruneDue, pruneDueAfterAppend, pruneIfDue } from "./retention";
import { deliveryStats } from "./stats";

export class TenantLog extends DurableObject<Env> {
	readonly #host: Host;
	readonly #engine: DeliveryEngine;

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
		this.#engine = new DeliveryEngine(this.#host);
	}

	get #sql(): SqlStorage {
		return this.ctx.storage.sql;
	}

	/** Dedupes, sequences and stores one event, and opens its deliveries. Idempotent. */
	async append(input: unknown): Promise<AppendResult> {
		const parsed = AppendInputSchema.parse(input); // RPC input is a trust boundary
		const now = Date.now();
		let deliverNow = false;
		// One transaction: a sequence never exists without its deliveries.
		const result = this.ctx.storage.transactionSync(() => {
			const { result, envelope } = appendEvent(this.#sql, parsed, now);
			if (envelope) {
				const fanned = this.#engine.fanOut(envelope, now);
				if (fanned.routed === 0) countUnmatched(this.#sql);
				deliverNow = fanned.deliverNow;
			}
			return result;
		});
		// Each setAlarm is a billed row write: wake now only for deliveries; otherwise make sure the hourly
		// pruning will run (a no-op when an alarm is already set earlier, as it is during a stream).
		if (!result.duplicate) await this.#wake(deliverNow ? now : pruneDueAfterAppend(this.#host, now));
		return result;
	}

	/** Removes the whole log, for tenant deletion: every table and the alarm. The object starts empty. */
	async destroy(): Promise<void> {
		await this.ctx.storage.deleteAlarm();
		await this.ctx.storage.deleteAll();
		this.#engine.forget();
		migrate(this.ctx.storage);
	}

	/** Creates or replaces the copy of a subscription that delivery reads. */
	async putSubscription(input: unknown): Promise<{ created: boolean }> {
		return this.#engine.putSubscription(SubscriptionSchema.parse(input));
	}

	async deleteSubscription(id: string): Promise<boolean> {
		return this.#engine.removeSubscription(id);
	}

	async getSubscription(id: string): Promise<(Subscription & { state: SubscriptionState }) | null> {
		const sub = this.#engine.subscription(id);
		return sub ? { ...sub, state: queries.subscriptionState(this.#sql, id, sub.ordering) } : null;
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
		const sub = this.#engine.subscription(id);
		if (!sub) return null;
		return { replayed: await this.#engine.reopen([id], queries.matchingSince(this.#sql, sub, from)) };
	}

	/** Re-sends one event to one subscription, or to every subscription it matches. */
	async redeliver(eventId: string, subId?: string): Promise<{ subscriptions: string[] } | null> {
		const event = queries.eventRef(this.#sql, eventId);
		if (!event) return null;
		const subs = subId
			? [this.#engine.subscription(subId)].filter((s) => s !== undefined)
			: this.#engine.subscriptions().filter((s) => subscriptionMatches(s, event));
		if (subId && subs.length === 0) return null;
		const ids = subs.map((s) => s.id);
		await this.#engine.reopen(ids, [event.sequence]);
		return { subscriptions: ids };
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
