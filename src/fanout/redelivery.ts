/**
 * Sending events again on request: a subscription's replay from a sequence or a time, and one event's
 * redelivery. Both only choose what to reopen; the delivery engine reopens it with a fresh retry
 * schedule and sends it as it sends everything else, in sequence order for an ordered subscription.
 */
import type { Subscription } from "../schema/subscription";
import type { DeliveryEngine } from "./engine";
import { subscriptionMatches } from "./filter";
import * as queries from "./log-queries";

/** Reopens a subscription's matching events since a sequence or a time (ms); null for an unknown one. */
export async function replay(
	engine: DeliveryEngine,
	sql: SqlStorage,
	id: string,
	from: { since_sequence?: number; since?: number },
): Promise<{ replayed: number } | null> {
	const sub = engine.subscription(id);
	if (!sub) return null;
	return { replayed: await engine.reopen([id], queries.matchingSince(sql, sub, from)) };
}

/**
 * Reopens one event for one webhook subscription, or for every webhook subscription it matches, never
 * for the subscription an operational event is about. Null when the event, or the named subscription,
 * is not there to send to.
 */
export async function redeliver(
	engine: DeliveryEngine,
	sql: SqlStorage,
	eventId: string,
	subId?: string,
): Promise<{ subscriptions: string[] } | null> {
	const event = queries.eventRef(sql, eventId);
	if (!event) return null;
	const subs = (
		subId
			? [engine.subscription(subId)].filter((s): s is Subscription => s?.type === "webhook")
			: engine.subscriptions().filter((s) => s.type === "webhook" && subscriptionMatches(s, event))
	).filter((s) => !queries.isAbout(sql, { seq: event.sequence, type: event.type }, s.id));
	if (subId && subs.length === 0) return null;
	const ids = subs.map((s) => s.id);
	await engine.reopen(ids, [event.sequence]);
	return { subscriptions: ids };
}
