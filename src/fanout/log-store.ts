/**
 * The tenant log's storage: typed statements over the Durable Object's SQLite database. This module
 * is the only writer of the `events`, `dedupe` and `meta` tables (docs/storage.md).
 */
import type { Envelope } from "../schema/envelope";
import { envelopeJson } from "../schema/raw-numbers";
import type { AppendInput } from "./hand-off";

/** `sequence` is null only when the event is still waiting in the EVENTS queue. */
export interface AppendResult {
	id: string;
	sequence: number | null;
	duplicate: boolean;
}

/** Dedupe keys are remembered at least this long, whatever the event retention. */
export const DEDUPE_WINDOW_MS = 7 * 24 * 3600 * 1000;

type MetaKey = "head_seq" | "unmatched_events" | "next_prune_at";

function metaNumber(sql: SqlStorage, key: MetaKey): number {
	const row = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
	return row ? Number(row.value) : 0;
}

function setMeta(sql: SqlStorage, key: MetaKey, value: number): void {
	sql.exec(
		"INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		key,
		String(value),
	);
}

/** Counts an appended event that matched no subscription (for the log's stats). */
export function countUnmatched(sql: SqlStorage): void {
	setMeta(sql, "unmatched_events", metaNumber(sql, "unmatched_events") + 1);
}

/** How many appended events matched no subscription. */
export function unmatchedEvents(sql: SqlStorage): number {
	return metaNumber(sql, "unmatched_events");
}

/** When retention next prunes the log (ms since epoch), or 0 when it has not been scheduled. */
export function nextPruneAt(sql: SqlStorage): number {
	return metaNumber(sql, "next_prune_at");
}

export function setNextPruneAt(sql: SqlStorage, at: number): void {
	setMeta(sql, "next_prune_at", at);
}

/**
 * The highest sequence ever assigned (0 before the first event). Read from the log itself, so an
 * append writes no counter; pruning records the floor in meta, so numbering survives it.
 */
export function headSequence(sql: SqlStorage): number {
	const last = sql.exec<{ s: number | null }>("SELECT MAX(seq) AS s FROM events").one().s ?? 0;
	return Math.max(last, metaNumber(sql, "head_seq"));
}

/**
 * Appends an event unless its dedupe key was seen: assigns the next sequence and stores the
 * envelope. The caller runs it inside one synchronous transaction with the fan-out rows, so
 * sequences are gap-free, in commit order, and never exist without their deliveries.
 */
export function appendEvent(
	sql: SqlStorage,
	input: AppendInput,
	now: number,
): { result: AppendResult; envelope: Envelope | null } {
	const { envelope: pending, dedupe_key } = input;
	const seen = sql
		.exec<{ event_id: string }>(
			"SELECT event_id FROM dedupe WHERE source = ? AND key = ? AND expires_at > ?",
			pending.source,
			dedupe_key,
			now,
		)
		.toArray()[0];
	if (seen) return { result: { id: seen.event_id, sequence: null, duplicate: true }, envelope: null };
	// The same envelope arriving twice (a queue redelivery racing the direct append) is a duplicate too.
	const same = sql.exec<{ seq: number }>("SELECT seq FROM events WHERE id = ?", pending.id).toArray()[0];
	if (same) return { result: { id: pending.id, sequence: same.seq, duplicate: true }, envelope: null };

	const sequence = headSequence(sql) + 1;
	const envelope: Envelope = { ...pending, sequence };
	sql.exec(
		"INSERT INTO events (seq, id, source, type, received_at, envelope) VALUES (?, ?, ?, ?, ?, ?)",
		sequence,
		envelope.id,
		envelope.source,
		envelope.type,
		Date.parse(envelope.received_at),
		// The provider's numbers digit for digit: `raw` as parsed may have rounded some.
		envelopeJson(envelope, input.raw_numbers),
	);
	sql.exec(
		"INSERT OR REPLACE INTO dedupe (source, key, event_id, expires_at) VALUES (?, ?, ?, ?)",
		pending.source,
		dedupe_key,
		envelope.id,
		now + DEDUPE_WINDOW_MS,
	);
	return { result: { id: envelope.id, sequence, duplicate: false }, envelope };
}

/** A stored event's id, without reading its envelope; null when it is gone. */
export function eventIdAt(sql: SqlStorage, seq: number): string | null {
	return sql.exec<{ id: string }>("SELECT id FROM events WHERE seq = ?", seq).toArray()[0]?.id ?? null;
}

/** One stored event's id and exact envelope JSON (the bytes that are signed and sent). */
export function eventText(sql: SqlStorage, seq: number): { id: string; envelope: string } | null {
	return (
		sql.exec<{ id: string; envelope: string }>("SELECT id, envelope FROM events WHERE seq = ?", seq).toArray()[0] ??
		null
	);
}

/** How many of the oldest events one pruning pass looks at; the alarm comes back for the rest. */
const PRUNE_BATCH = 10_000;

/**
 * Drops events received before `cutoff` and expired dedupe keys. Returns the last sequence dropped,
 * or null: the caller has the delivery store drop those events' deliveries and attempts in the same
 * transaction. Sequence order is arrival order, so the oldest events are a prefix of the log: read it
 * in order instead of keeping a time index that every append would pay to write.
 */
export function pruneEvents(sql: SqlStorage, cutoff: number, now: number): number | null {
	const last = sql
		.exec<{ s: number | null }>(
			"SELECT MAX(seq) AS s FROM (SELECT seq, received_at FROM events ORDER BY seq LIMIT ?) WHERE received_at < ?",
			PRUNE_BATCH,
			cutoff,
		)
		.one().s;
	if (last !== null) {
		setMeta(sql, "head_seq", headSequence(sql)); // numbering continues even if every event goes
		sql.exec("DELETE FROM events WHERE seq <= ?", last);
	}
	sql.exec("DELETE FROM dedupe WHERE expires_at <= ?", now);
	return last;
}
