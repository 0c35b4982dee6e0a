/**
 * The tenant's rejection log: the recent refused requests per source, and counters of all of them.
 * This module is the only writer of the `rejections` and `rejection_counts` tables (docs/storage.md).
 *
 * Unproven senders cause these writes, so both are bounded per source: at most `STORED_PER_MINUTE`
 * records are stored per minute (the rest only count), and only the latest `KEPT_PER_SOURCE` are
 * kept. Ingest also throttles its calls per isolate (src/ingest/rejection-throttle.ts), so a flood
 * costs a bounded number of object calls, each one counter-row write plus the records it may store.
 */
import { z } from "zod";
import {
	type RejectionReason,
	RejectionReasonSchema,
	type RejectionRecord,
	RejectionRecordSchema,
	rejectionHint,
} from "../ingest/rejection";
import { SlugSchema } from "../schema/envelope";
import type { RejectionCounts, RejectionPage } from "../schema/read-models";

/** Records kept per source: the latest ones. */
export const KEPT_PER_SOURCE = 50;
/** Records stored per source per minute, whatever the traffic; the rest are only counted. */
export const STORED_PER_MINUTE = 10;
/** Refusals counted in one minute at which a source is said to be refusing in bulk (a wrong secret, likely). */
export const BULK_PER_MINUTE = 20;
/** The most records one batch carries: what one throttle interval can store at most. */
export const MAX_SAMPLES = STORED_PER_MINUTE;

/** The counting window, in seconds (and in ms below). */
export const WINDOW_SECONDS = 60;
const WINDOW_MS = WINDOW_SECONDS * 1000;

/**
 * What ingest reports in one call: how many refusals of each reason since its last report, and the
 * latest of them in full (oldest first). RPC input: a trust boundary, re-parsed by the object.
 */
export const RejectionBatchSchema = z
	.object({
		source: SlugSchema,
		counts: z.partialRecord(RejectionReasonSchema, z.number().int().min(1).max(1_000_000_000)),
		samples: z.array(RejectionRecordSchema).min(1).max(MAX_SAMPLES),
	})
	.refine((b) => sumCounts(b.counts) >= b.samples.length, "counts must cover the samples");
export type RejectionBatch = z.infer<typeof RejectionBatchSchema>;

/**
 * Where a source stands after a batch was recorded. `bulk_started` is true for the one batch that
 * brings the refusals counted in the current minute to `BULK_PER_MINUTE`: the moment to tell someone
 * (`onBulk`, called inside the caller's transaction: the tenant object appends a
 * `hookfan.source.rejecting` operational event). At most once per source per minute.
 */
export interface RejectionTally {
	total: number;
	/** Refusals counted in the current one-minute window. */
	window_count: number;
	bulk_started: boolean;
}

type ByReason = Partial<Record<RejectionReason, number>>;

function sumCounts(counts: ByReason): number {
	return Object.values(counts).reduce((n, c) => n + (c ?? 0), 0);
}

interface CountsRow {
	total: number;
	by_reason: string;
	since: number;
	last_at: number;
	window_start: number;
	window_count: number;
	window_stored: number;
}

function countsRow(sql: SqlStorage, source: string): CountsRow | null {
	return (
		sql
			.exec<CountsRow & Record<string, SqlStorageValue>>(
				`SELECT total, by_reason, since, last_at, window_start, window_count, window_stored
				 FROM rejection_counts WHERE source = ?`,
				source,
			)
			.toArray()[0] ?? null
	);
}

/**
 * Counts a batch and stores as many of its samples (the latest) as this minute still allows, then
 * drops the source's records beyond the latest `KEPT_PER_SOURCE`. Synchronous SQL with no await, so
 * it commits as one. Record ids are the refusals' ordinal numbers per source, so they order and page.
 */
export function recordRejections(
	sql: SqlStorage,
	batch: RejectionBatch,
	now: number,
	onBulk: (source: string, counts: { rejected: number; accepted: null; window_seconds: number }) => void = () => {},
): RejectionTally {
	const row = countsRow(sql, batch.source);
	const count = sumCounts(batch.counts);
	const fresh = !row || now - row.window_start >= WINDOW_MS;
	const window = fresh
		? { start: now, count: 0, stored: 0 }
		: { start: row.window_start, count: row.window_count, stored: row.window_stored };
	const room = Math.max(0, STORED_PER_MINUTE - window.stored);
	const kept = room === 0 ? [] : batch.samples.slice(-room);
	const before = row?.total ?? 0;
	const total = before + count;
	kept.forEach((record, i) => {
		sql.exec(
			"INSERT OR REPLACE INTO rejections (source, id, at, record) VALUES (?, ?, ?, ?)",
			batch.source,
			total - (kept.length - 1 - i),
			Date.parse(record.at),
			JSON.stringify(record),
		);
	});
	const byReason: ByReason = row ? (JSON.parse(row.by_reason) as ByReason) : {};
	for (const [reason, n] of Object.entries(batch.counts) as [RejectionReason, number][]) {
		byReason[reason] = (byReason[reason] ?? 0) + n;
	}
	const lastAt = Math.max(row?.last_at ?? 0, ...batch.samples.map((s) => Date.parse(s.at)));
	const windowCount = window.count + count;
	sql.exec(
		`INSERT OR REPLACE INTO rejection_counts
		 (source, total, by_reason, since, last_at, window_start, window_count, window_stored)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		batch.source,
		total,
		JSON.stringify(byReason),
		row?.since ?? now,
		lastAt,
		window.start,
		windowCount,
		window.stored + kept.length,
	);
	if (kept.length > 0) {
		sql.exec(
			`DELETE FROM rejections WHERE source = ? AND id <= (
			   SELECT id FROM rejections WHERE source = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
			batch.source,
			batch.source,
			KEPT_PER_SOURCE,
		);
	}
	const bulkStarted = window.count < BULK_PER_MINUTE && windowCount >= BULK_PER_MINUTE;
	// `accepted` is null: this log counts refusals only.
	if (bulkStarted) onBulk(batch.source, { rejected: windowCount, accepted: null, window_seconds: WINDOW_SECONDS });
	return { total, window_count: windowCount, bulk_started: bulkStarted };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A page of a source's recorded rejections, newest first, with its counters. */
export function listRejections(
	sql: SqlStorage,
	source: string,
	opts: { limit: number; cursor?: number },
): RejectionPage {
	const rows = sql
		.exec<{ id: number; record: string }>(
			"SELECT id, record FROM rejections WHERE source = ? AND id < ? ORDER BY id DESC LIMIT ?",
			source,
			opts.cursor ?? Number.MAX_SAFE_INTEGER,
			opts.limit + 1,
		)
		.toArray();
	const page = rows.slice(0, opts.limit);
	return {
		data: page.map((r) => {
			const record = JSON.parse(r.record) as RejectionRecord;
			return { id: r.id, ...record, hint: rejectionHint(record.reason) };
		}),
		next_cursor: rows.length > opts.limit ? String(page.at(-1)?.id) : null,
		counts: rejectionCounts(sql, source),
	};
}

/** A source's counters: every refusal counted since `since`, stored or not. */
export function rejectionCounts(sql: SqlStorage, source: string): RejectionCounts {
	const row = countsRow(sql, source);
	if (!row) return { total: 0, by_reason: {}, since: null, last_at: null };
	return {
		total: row.total,
		by_reason: JSON.parse(row.by_reason) as ByReason,
		since: iso(row.since),
		last_at: iso(row.last_at),
	};
}

/** Drops a source's records and counters (the source was deleted). */
export function forgetRejections(sql: SqlStorage, source: string): void {
	sql.exec("DELETE FROM rejections WHERE source = ?", source);
	sql.exec("DELETE FROM rejection_counts WHERE source = ?", source);
}
