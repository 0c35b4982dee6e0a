/**
 * Delivery statistics over the tenant log, for `GET /v1/stats` (and the console built on it): per
 * window, how many events were accepted and how their deliveries stand, how many attempts succeeded,
 * attempt latency percentiles, and an hourly success series for the last day. Pure SQL over the
 * tables in docs/storage.md; `now` is a parameter so windows can be tested.
 *
 * The log has no time index (each would cost a row write per insert), but sequence and attempt ids
 * follow arrival order, so a window starts where a binary search over the primary key says: reads
 * grow with the window's rows, not with the retained log.
 */
import {
	type DeliveryStats,
	type HourBucket,
	type SourceStats,
	STATS_WINDOWS,
	type StatsWindow,
	type WindowCounts,
} from "../schema/delivery-stats";
import { headSequence } from "./log-store";

const HOUR_MS = 3_600_000;
/** Attempts are stored when they end, stamped with when they started: ids are in time order to within this. */
const ATTEMPT_ORDER_SLACK_MS = 15 * 60_000;

const emptyCounts = (): WindowCounts => ({
	accepted: 0,
	delivered: 0,
	failed: 0,
	pending: 0,
	attempts: 0,
	succeeded: 0,
	latency_ms: { p50: null, p99: null },
});

/** 24 empty hour-long buckets ending at `now`. */
function emptySeries(now: number): HourBucket[] {
	const start = now - STATS_WINDOWS["24h"];
	return Array.from({ length: 24 }, (_, i) => ({
		start: new Date(start + i * HOUR_MS).toISOString(),
		succeeded: 0,
		failed: 0,
	}));
}

/**
 * The first key of `table` whose time is at or after `since`, by binary search over the primary key
 * (one row read per step); one past the last key when there is none.
 */
function firstKeySince(sql: SqlStorage, table: "events" | "attempts", since: number): number {
	const [key, at] = table === "events" ? ["seq", "received_at"] : ["id", "at"];
	const bounds = sql
		.exec<{ lo: number | null; hi: number | null }>(`SELECT MIN(${key}) AS lo, MAX(${key}) AS hi FROM ${table}`)
		.one();
	let lo = bounds.lo ?? 1;
	let hi = (bounds.hi ?? 0) + 1;
	while (lo < hi) {
		const mid = Math.floor((lo + hi) / 2);
		const row = sql
			.exec<{ k: number; t: number }>(
				`SELECT ${key} AS k, ${at} AS t FROM ${table} WHERE ${key} >= ? ORDER BY ${key} LIMIT 1`,
				mid,
			)
			.toArray()[0];
		if (row && row.t < since) lo = row.k + 1;
		else hi = mid;
	}
	return lo;
}

/** Tenant-wide and per-subscription counts; the tenant-wide ones under the key "". */
type CountsBySub = Map<string, Record<StatsWindow, WindowCounts>>;

function countsFor(out: CountsBySub, sub: string): Record<StatsWindow, WindowCounts> {
	let counts = out.get(sub);
	if (!counts) {
		counts = { "1h": emptyCounts(), "24h": emptyCounts() };
		out.set(sub, counts);
	}
	return counts;
}

/** Events per source, and each subscription's delivery states, for events in the last day and hour. */
function eventCounts(sql: SqlStorage, now: number, subIds: string[], out: CountsBySub) {
	const dayStart = now - STATS_WINDOWS["24h"];
	const hourStart = now - STATS_WINDOWS["1h"];
	const fromSeq = firstKeySince(sql, "events", dayStart);
	const sources: SourceStats[] = [];
	const tenant = countsFor(out, "");
	for (const row of sql.exec<{ source: string; day: number; hour: number }>(
		`SELECT source, COUNT(*) AS day, SUM(received_at >= ?) AS hour FROM events
		 WHERE seq >= ? AND received_at >= ? GROUP BY source ORDER BY source`,
		hourStart,
		fromSeq,
		dayStart,
	)) {
		sources.push({ source: row.source, events: { "1h": row.hour, "24h": row.day } });
		tenant["24h"].accepted += row.day;
		tenant["1h"].accepted += row.hour;
	}
	const hourSeq = firstKeySince(sql, "events", hourStart);
	for (const sub of subIds) {
		const counts = countsFor(out, sub);
		// The primary key (sub_id, seq) serves this range: only the window's rows are read.
		for (const row of sql.exec<{ state: string; day: number; hour: number }>(
			"SELECT state, COUNT(*) AS day, SUM(seq >= ?) AS hour FROM deliveries WHERE sub_id = ? AND seq >= ? GROUP BY state",
			hourSeq,
			sub,
			fromSeq,
		)) {
			for (const [name, n] of [
				["24h", row.day],
				["1h", row.hour],
			] as const) {
				for (const c of [counts[name], tenant[name]]) {
					if (row.state === "delivered") c.delivered += n;
					else if (row.state === "failed") c.failed += n;
					else c.pending += n;
				}
				counts[name].accepted += n;
			}
		}
	}
	return sources;
}

/** Attempt counts, hourly series and latency percentiles; bucket 23 of the series is exactly the last hour. */
function attemptStats(sql: SqlStorage, now: number, out: CountsBySub): Map<string, HourBucket[]> {
	const dayStart = now - STATS_WINDOWS["24h"];
	const series = new Map<string, HourBucket[]>();
	const fromId = firstKeySince(sql, "attempts", dayStart - ATTEMPT_ORDER_SLACK_MS);
	for (const row of sql.exec<{ sub: string; bucket: number; n: number; ok: number }>(
		`SELECT sub_id AS sub, CAST((at - ?) / ${HOUR_MS} AS INTEGER) AS bucket, COUNT(*) AS n, SUM(error IS NULL) AS ok
		 FROM attempts WHERE id >= ? AND at >= ? GROUP BY sub_id, bucket`,
		dayStart,
		fromId,
		dayStart,
	)) {
		// An attempt stamped at `now` exactly (or a clock step) would be bucket 24: count it in the last hour.
		const index = Math.min(23, row.bucket);
		let buckets = series.get(row.sub);
		if (!buckets) {
			buckets = emptySeries(now);
			series.set(row.sub, buckets);
		}
		const bucket = buckets[index] as HourBucket;
		bucket.succeeded += row.ok;
		bucket.failed += row.n - row.ok;
		const windows: StatsWindow[] = index === 23 ? ["24h", "1h"] : ["24h"];
		for (const name of windows) {
			for (const c of [countsFor(out, row.sub)[name], countsFor(out, "")[name]]) {
				c.attempts += row.n;
				c.succeeded += row.ok;
			}
		}
	}
	for (const [name, ms] of Object.entries(STATS_WINDOWS) as [StatsWindow, number][]) {
		const since = now - ms;
		const from = firstKeySince(sql, "attempts", since - ATTEMPT_ORDER_SLACK_MS);
		// Nearest rank: the p-th percentile of n values is the ceil(p * n / 100)-th smallest. Window
		// functions rank inside SQLite, so no latency list is read into the isolate.
		for (const partition of ["sub_id", "''"]) {
			for (const row of sql.exec<{ sub: string; latency: number; rn: number; cnt: number }>(
				`SELECT sub, latency, rn, cnt FROM (
				   SELECT ${partition} AS sub, latency_ms AS latency,
				     ROW_NUMBER() OVER (PARTITION BY ${partition} ORDER BY latency_ms) AS rn,
				     COUNT(*) OVER (PARTITION BY ${partition}) AS cnt
				   FROM attempts WHERE id >= ? AND at >= ?)
				 WHERE rn = (cnt * 50 + 99) / 100 OR rn = (cnt * 99 + 99) / 100`,
				from,
				since,
			)) {
				const latency = countsFor(out, row.sub)[name].latency_ms;
				if (row.rn === Math.floor((row.cnt * 50 + 99) / 100)) latency.p50 = row.latency;
				if (row.rn === Math.floor((row.cnt * 99 + 99) / 100)) latency.p99 = row.latency;
			}
		}
	}
	return series;
}

/** Statistics for the last hour and day: tenant-wide, per source and per subscription. */
export function deliveryStats(sql: SqlStorage, now: number): DeliveryStats {
	const subIds = sql
		.exec<{ id: string }>("SELECT id FROM subscriptions ORDER BY id")
		.toArray()
		.map((r) => r.id);
	const counts: CountsBySub = new Map();
	const sources = eventCounts(sql, now, subIds, counts);
	const series = attemptStats(sql, now, counts);
	return {
		generated_at: new Date(now).toISOString(),
		head_sequence: headSequence(sql),
		windows: countsFor(counts, ""),
		sources,
		subscriptions: subIds.map((id) => ({
			subscription_id: id,
			windows: countsFor(counts, id),
			hourly: series.get(id) ?? emptySeries(now),
		})),
	};
}
