/**
 * Operational events: hookfan appends `hookfan.subscription.*` and `hookfan.source.rejecting` events
 * to the tenant's own log when the engine changes a subscription's status, when a subscription starts
 * failing or recovers, and when a source starts refusing requests in bulk. They are ordinary events
 * after that: fanned out to subscriptions whose `event_types` name them, never to the subscription
 * they are about (src/schema/operational.ts). This module is the only writer of `ops_notices`.
 *
 * Bounded, not recursive: an operational event's own failed deliveries count towards its
 * subscriber's failing run like any other, but `failing` is reported at most once an hour per
 * subscription (and `recovered` only after a reported `failing`), `rejecting` at most once an hour
 * per source, and `disabled`/`paused` once per status change the engine makes (a person resumes it
 * before it can happen again). So two `hookfan.*` subscribers failing at each other add at most a
 * couple of events an hour.
 */

import { eventId } from "../ids";
import { log } from "../log";
import type { PendingEnvelope } from "../schema/envelope";
import {
	OPERATIONAL_SOURCE,
	type OperationalType,
	operationalEnvelope,
	type SourceRejectingData,
	type SubscriptionNoticeData,
} from "../schema/operational";
import type { Subscription } from "../schema/subscription";
import type { SettledAttempt } from "./engine";
import { subscriptionMatches } from "./filter";
import type { Host } from "./host";

/** This many failed attempts in a row make a subscription `failing`. */
export const FAILING_AFTER = 5;
/** `failing` and `rejecting` are reported at most once per subject in this long. */
export const NOTICE_INTERVAL_MS = 3_600_000;

type NoticeKind = "failing" | "rejecting";
type Notice = { active: number; last_at: number };

/** What appends an operational envelope to the log (the tenant object's own append). */
export type AppendOperational = (envelope: PendingEnvelope) => void;

/** Whether any subscription but `subject` would receive an operational event of `type`. */
export type OperationalWanted = (type: OperationalType, subject: string | null) => boolean;

/**
 * The `wanted` test over the tenant's subscriptions: one other than the subject whose filters take the
 * type, polling or not disabled (a disabled webhook's rows would only be held).
 */
export function wantedBy(subscriptions: () => readonly Subscription[]): OperationalWanted {
	return (type, subject) =>
		subscriptions().some(
			(s) =>
				s.id !== subject &&
				(s.type === "polling" || s.status !== "disabled") &&
				subscriptionMatches(s, { type, source: OPERATIONAL_SOURCE }),
		);
}

export class OperationalEvents {
	readonly #host: Host;
	readonly #append: AppendOperational;
	readonly #wanted: OperationalWanted;

	/**
	 * An event nobody would receive is not appended at all: it would cost three row writes, and take a
	 * sequence number in the middle of a tenant's provider events for nothing.
	 */
	constructor(host: Host, append: AppendOperational, wanted: OperationalWanted) {
		this.#host = host;
		this.#append = append;
		this.#wanted = wanted;
	}

	/** Hears of every settled attempt: reports status changes, a failing run, and recovery. */
	afterSettle({ sub, outcome, decision, at }: SettledAttempt): void {
		const lastError =
			outcome.classification.outcome === "retry" || decision.kind === "disable"
				? {
						status: outcome.status,
						error: outcome.classification.outcome === "retry" ? outcome.classification.error : "gone",
					}
				: null;
		const notice = (status: SubscriptionNoticeData["status"], reason: SubscriptionNoticeData["reason"]) => ({
			subscription_id: sub.id,
			status,
			reason,
			consecutive_failures: this.#consecutiveFailures(sub.id),
			last_error: lastError,
		});
		switch (decision.kind) {
			case "disable":
				this.#emit("hookfan.subscription.disabled", notice("disabled", "gone"), at);
				return;
			case "pause":
				this.#emit("hookfan.subscription.paused", notice("paused", "exhausted"), at);
				return;
			case "delivered": {
				const failing = this.#notice(sub.id, "failing");
				if (!failing?.active) return;
				this.#setNotice(sub.id, "failing", 0, failing.last_at);
				this.#emit("hookfan.subscription.recovered", notice(sub.status, "delivered"), at);
				return;
			}
			case "retry":
			case "dead_letter": {
				const failures = this.#consecutiveFailures(sub.id);
				const failing = this.#notice(sub.id, "failing");
				if (failures < FAILING_AFTER || failing?.active || !this.#due(failing, at)) return;
				if (!this.#wanted("hookfan.subscription.failing", sub.id)) return; // reported once someone listens
				this.#setNotice(sub.id, "failing", 1, at);
				this.#emit("hookfan.subscription.failing", notice(sub.status, "consecutive_failures"), at);
				return;
			}
		}
	}

	/**
	 * Reports that a source crossed into bulk refusal, at most once an hour per source; the source's
	 * refusal log calls it with its counts. Says whether an event was appended.
	 */
	sourceRejecting(source: string, counts: Omit<SourceRejectingData, "source_id">, now: number): boolean {
		const subject = `source:${source}`;
		if (!this.#due(this.#notice(subject, "rejecting"), now)) return false;
		if (!this.#wanted("hookfan.source.rejecting", null)) return false;
		this.#setNotice(subject, "rejecting", 1, now);
		this.#emit("hookfan.source.rejecting", { source_id: source, ...counts }, now);
		return true;
	}

	/** Forgets a deleted subscription's notices. */
	forget(subId: string): void {
		this.#host.sql.exec("DELETE FROM ops_notices WHERE subject = ?", subId);
	}

	#emit(type: OperationalType, data: SubscriptionNoticeData | SourceRejectingData, now: number): void {
		const tenant = this.#host.tenant;
		if (!tenant) return; // an object addressed by id rather than tenant name: it has no tenant to report to
		const subject = "subscription_id" in data ? data.subscription_id : null;
		if (!this.#wanted(type, subject)) return;
		this.#append(operationalEnvelope(type, data, tenant, eventId(now), now));
		log("info", "operational event", { tenant, type, data: JSON.stringify(data) });
	}

	/** Failed attempts in a row, newest first, up to FAILING_AFTER (reads at most that many attempt rows). */
	#consecutiveFailures(subId: string): number {
		const rows = this.#host.sql
			.exec<{ error: string | null }>(
				"SELECT error FROM attempts INDEXED BY attempts_by_sub WHERE sub_id = ? ORDER BY id DESC LIMIT ?",
				subId,
				FAILING_AFTER,
			)
			.toArray();
		const ok = rows.findIndex((r) => r.error === null);
		return ok === -1 ? rows.length : ok;
	}

	#due(notice: Notice | null, now: number): boolean {
		return notice === null || now - notice.last_at >= NOTICE_INTERVAL_MS;
	}

	#notice(subject: string, kind: NoticeKind): Notice | null {
		return (
			this.#host.sql
				.exec<Notice>("SELECT active, last_at FROM ops_notices WHERE subject = ? AND kind = ?", subject, kind)
				.toArray()[0] ?? null
		);
	}

	#setNotice(subject: string, kind: NoticeKind, active: number, lastAt: number): void {
		this.#host.sql.exec(
			`INSERT INTO ops_notices (subject, kind, active, last_at) VALUES (?, ?, ?, ?)
			 ON CONFLICT (subject, kind) DO UPDATE SET active = excluded.active, last_at = excluded.last_at`,
			subject,
			kind,
			active,
			lastAt,
		);
	}
}
