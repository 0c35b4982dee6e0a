/**
 * The tenant log's storage: typed statements over the Durable Object's SQLite database.
 * Every table and column is documented in docs/storage.md.
 */
import type { Envelope } from "../schema/envelope";
import type { AppendInput } from "./hand-off";

/** `sequence` is null only when the event is still waiting in the EVENTS queue. */
export interface AppendResult {
	id: string;
	sequence: number | null;
	duplicate: boolean;
}

/** Dedupe keys are remembered at least this long, whatever the event retention. */
export const DEDUPE_WINDOW_MS = 7 * 24 * 3600 * 1000;

/**
 * Schema migrations, applied in order once; never edit a shipped one, append a new one.
 * Every index costs a billed row write on each insert, so there are only the ones hot paths read
 * through; pruning (hourly) scans instead, and rows read cost a thousandth of rows written.
 */
const MIGRATIONS: string[] = [
	`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
	 CREATE TABLE events (
	   seq INTEGER PRIMARY KEY,
	   id TEXT NOT NULL UNIQUE,
	   source TEXT NOT NULL,
	   type TEXT NOT NULL,
	   received_at INTEGER NOT NULL,
	   envelope TEXT NOT NULL
	 );
	 CREATE TABLE dedupe (
	   source TEXT NOT NULL,
	   key TEXT NOT NULL,
	   event_id TEXT NOT NULL,
	   expires_at INTEGER NOT NULL,
	   PRIMARY KEY (source, key)
	 ) WITHOUT ROWID;`,
	`CREATE TABLE subscriptions (
	   id TEXT PRIMARY KEY,
	   config TEXT NOT NULL,
	   status TEXT NOT NULL,
	   ordering TEXT NOT NULL,
	   start_seq INTEGER NOT NULL,
	   updated_at INTEGER NOT NULL
	 );
	 CREATE TABLE deliveries (
	   sub_id TEXT NOT NULL,
	   seq INTEGER NOT NULL,
	   state TEXT NOT NULL,
	   attempts INTEGER NOT NULL DEFAULT 0,
	   total_attempts INTEGER NOT NULL DEFAULT 0,
	   next_at INTEGER NOT NULL,
	   last_status INTEGER,
	   last_error TEXT,
	   updated_at INTEGER NOT NULL,
	   PRIMARY KEY (sub_id, seq)
	 ) WITHOUT ROWID;
	 CREATE INDEX deliveries_open ON deliveries (sub_id, seq) WHERE state IN ('pending', 'queued');
	 CREATE TABLE attempts (
	   id INTEGER PRIMARY KEY,
	   sub_id TEXT NOT NULL,
	   seq INTEGER NOT NULL,
	   event_id TEXT NOT NULL,
	   attempt INTEGER NOT NULL,
	   at INTEGER NOT NULL,
	   status INTEGER,
	   error TEXT,
	   latency_ms INTEGER NOT NULL,
	   next_at INTEGER
	 );
	 CREATE INDEX attempts_by_sub ON attempts (sub_id, id);`,
];

/** Applies the migrations this database has not seen yet. Synchronous: it runs before any request. */
export function migrate(storage: DurableObjectStorage): void {
	const sql = storage.sql;
	storage.transactionSync(() => {
		sql.exec("CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY)");
		const done = sql.exec<{ v: number | null }>("SELECT MAX(version) AS v FROM _migrations").one().v ?? 0;
		for (let version = done + 1; version <= MIGRATIONS.length; version++) {
			sql.exec(MIGRATIONS[version - 1] as string);
			sql.exec("INSERT INTO _migrations (version) VALUES (?)", version);
		}
	});
}

export function metaNumber(sql: SqlStorage, key: string): number {
	const row = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
	return row ? Number(row.value) : 0;
}

export function setMeta(sql: SqlStorage, key: string, value: string | number): void {
	sql.exec(
		"INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		key,
		String(value),
	);
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
		JSON.stringify(envelope),
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
 * Drops events received before `cutoff` with their deliveries and attempts, and expired dedupe keys.
 * Sequence order is arrival order, so the oldest events are a prefix of the log: read it in order
 * instead of keeping a time index that every append would pay to write.
 */
export function prune(sql: SqlStorage, cutoff: number, now: number): void {
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
		for (const { id } of sql.exec<{ id: string }>("SELECT id FROM subscriptions")) {
			sql.exec("DELETE FROM deliveries WHERE sub_id = ? AND seq <= ?", id, last);
			sql.exec("DELETE FROM attempts WHERE sub_id = ? AND seq <= ?", id, last);
		}
	}
	sql.exec("DELETE FROM dedupe WHERE expires_at <= ?", now);
}
