/**
 * Reports refused requests to the tenant's rejection log without letting unproven traffic make
 * hookfan call (and write) without bound. Per source and per isolate, at most one report per
 * `REPORT_INTERVAL_MS`: the first refusal after a quiet interval is reported at once (so a tenant
 * testing a setup sees it right away), later ones are counted here and sent together, with the
 * latest few in full, when the interval ends. A flood therefore costs at most 10 object calls per
 * minute per source per isolate, however many requests it sends; the object then stores at most
 * `STORED_PER_MINUTE` records per source per minute across all isolates (src/fanout/rejection-log.ts).
 *
 * What an isolate holds when it is evicted before its trailing report is lost: counts are exact
 * unless an isolate dies within an interval of a refusal.
 */

import { MAX_SAMPLES, type RejectionBatch } from "../fanout/rejection-log";
import { log } from "../log";
import type { IngestRefusal } from "./outcome";
import {
	type RejectionDetail,
	type RejectionReason,
	type RejectionRecord,
	rejectionReason,
	rejectionRecord,
} from "./rejection";

/** One report per source per isolate per this many ms: 10 per minute. */
export const REPORT_INTERVAL_MS = 6_000;
/** Sources whose throttle state an isolate keeps; beyond it the oldest is dropped with its pending counts. */
const MAX_TRACKED = 1000;

interface Pending {
	counts: Partial<Record<RejectionReason, number>>;
	samples: RejectionRecord[];
}

interface State {
	lastSentAt: number;
	pending: Pending | null;
	/** When the scheduled flush is due, or null when none is. */
	flushAt: number | null;
}

/** What to do after a refusal was offered: send a batch now, come back in `flushInMs` to send one, or nothing. */
export type ThrottleStep = { send: RejectionBatch } | { flushInMs: number } | null;

/** The per-isolate throttle. Pure state and arithmetic: the clock is passed in, so it is tested without timers. */
export class RejectionThrottle {
	readonly #states = new Map<string, State>();

	constructor(readonly intervalMs = REPORT_INTERVAL_MS) {}

	/** Adds one refusal of `source` (keyed by `key`, tenant and source) and says what to do now. */
	offer(key: string, source: string, record: RejectionRecord, now: number): ThrottleStep {
		let state = this.#states.get(key);
		if (!state) {
			if (this.#states.size >= MAX_TRACKED) this.#states.delete(this.#states.keys().next().value as string);
			state = { lastSentAt: Number.NEGATIVE_INFINITY, pending: null, flushAt: null };
			this.#states.set(key, state);
		}
		const pending = state.pending ?? { counts: {}, samples: [] };
		pending.counts[record.reason] = (pending.counts[record.reason] ?? 0) + 1;
		pending.samples.push(record);
		if (pending.samples.length > MAX_SAMPLES) pending.samples.shift();
		state.pending = pending;
		// A flush long overdue never ran (its invocation was cut short): this refusal takes over.
		if (state.flushAt !== null && now < state.flushAt + this.intervalMs) return null;
		if (now - state.lastSentAt >= this.intervalMs) {
			state.flushAt = null;
			return { send: this.#drain(state, source, now) as RejectionBatch };
		}
		state.flushAt = state.lastSentAt + this.intervalMs;
		return { flushInMs: state.flushAt - now };
	}

	/** For the scheduled flush: the batch held for `key`, or null when there is none any more. */
	take(key: string, source: string, now: number): RejectionBatch | null {
		const state = this.#states.get(key);
		if (!state) return null;
		state.flushAt = null;
		return this.#drain(state, source, now);
	}

	#drain(state: State, source: string, now: number): RejectionBatch | null {
		const pending = state.pending;
		state.pending = null;
		if (!pending) return null;
		state.lastSentAt = now;
		return { source, counts: pending.counts, samples: pending.samples };
	}
}

const throttle = new RejectionThrottle();

/** What reporting needs from the request that was refused. */
export interface ReportContext {
	readonly tenant: string;
	readonly source: string;
	readonly method: string;
	readonly headers: Headers;
	/** Sends a batch to the tenant's Durable Object (`recordRejections`). */
	readonly send: (batch: RejectionBatch) => Promise<unknown>;
	/** Keeps the isolate alive for work after the answer (`ExecutionContext.waitUntil`). */
	readonly waitUntil: (work: Promise<unknown>) => void;
	readonly now: () => number;
}

/**
 * Records a refusal of a request to a known source, throttled; never throws and never delays the
 * answer (the report goes out through `waitUntil`). Refusals that are hookfan's own trouble are skipped.
 */
export function reportRefusal(ctx: ReportContext, refusal: IngestRefusal, bodyBytes: number | null): void {
	const mapped = rejectionReason(refusal);
	if (mapped) reportRejection(ctx, mapped.reason, mapped.detail, bodyBytes);
}

/** Records a request to a known source refused for `reason`, throttled, as `reportRefusal` does. */
export function reportRejection(
	ctx: ReportContext,
	reason: RejectionReason,
	detail: RejectionDetail,
	bodyBytes: number | null,
): void {
	const now = ctx.now();
	const record = rejectionRecord({ method: ctx.method, headers: ctx.headers, bodyBytes, now }, reason, detail);
	const key = `${ctx.tenant}/${ctx.source}`;
	const send = (batch: RejectionBatch | null) =>
		batch
			? ctx.send(batch).catch((err: unknown) => {
					log("warn", "rejection log unreachable", { tenant: ctx.tenant, source: ctx.source, error: String(err) });
				})
			: Promise.resolve();
	const step = throttle.offer(key, ctx.source, record, now);
	if (step === null) return;
	if ("send" in step) {
		ctx.waitUntil(send(step.send));
		return;
	}
	ctx.waitUntil(
		new Promise((resolve) => setTimeout(resolve, step.flushInMs)).then(() =>
			send(throttle.take(key, ctx.source, ctx.now())),
		),
	);
}
