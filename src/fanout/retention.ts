/**
 * Retention: the alarm drops events older than `RETENTION_DAYS` (default 30, at least 7) with their
 * deliveries and attempts, and expired dedupe keys, at most once an hour. Each table's owner prunes
 * its own rows (docs/storage.md); this module only decides when, and in what order.
 */

import { pruneDeliveries } from "./delivery-store";
import type { Host } from "./host";
import { hasEvents } from "./log-queries";
import { nextPruneAt, pruneEvents, setNextPruneAt } from "./log-store";

const PRUNE_EVERY_MS = 3600_000;
const DAY_MS = 86_400_000;

/** Prunes when the hourly pass is due; a no-op otherwise. */
export function pruneIfDue(host: Host, now: number): void {
	if (now < nextPruneAt(host.sql)) return;
	const days = Math.max(7, Number(host.env.RETENTION_DAYS) || 30);
	host.transaction(() => {
		const last = pruneEvents(host.sql, now - days * DAY_MS, now);
		if (last !== null) pruneDeliveries(host.sql, last);
		setNextPruneAt(host.sql, now + PRUNE_EVERY_MS);
	});
}

/** When the alarm should next come to prune, or null while the log holds no events. */
export function nextPruneDue(host: Host): number | null {
	return hasEvents(host.sql) ? nextPruneAt(host.sql) : null;
}

/** The prune time to ask for after an append: the scheduled one, or an hour from now if none is. */
export function pruneDueAfterAppend(host: Host, now: number): number {
	return nextPruneAt(host.sql) || now + PRUNE_EVERY_MS;
}
