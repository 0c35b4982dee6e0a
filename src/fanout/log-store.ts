/**
 * The tenant log's storage: typed statements over the Durable Object's SQLite database.
 * Every table and column is documented in docs/storage.md.
 */
import type { Envelope, PendingEnvelope } from "../schema/envelope";

export interface AppendInput {
	envelope: PendingEnvelope;
	dedupe_key: string;
}

/** `sequence` is null only when the event is still waiting in the EVENTS queue. */
export interface AppendResult {
	id: string;
	sequence: number | null;
	duplicate: boolean;
}

/** Dedupe keys are remembered at least this long, whatever the event retention. */
export const DEDUPE_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** Schema migrations, applied in order once; never edit a shipped one, append a new one. */
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
	 CREATE INDEX events_by_type ON events (type, seq);
	 CREATE INDEX events_by_source ON events (source, seq);
	 CREATE INDEX events_by_time ON events (received_at);
	 CREATE TABLE dedupe (
	   source TEXT NOT NULL,
	   key TEXT NOT NULL,
	   event_id TEXT NOT NULL,
	   expires_at INTEGER NOT NULL,
	   PRIMARY KEY (source, key)
	 ) WITHOUT ROWID;
	 CREATE INDEX dedupe_by_expiry ON dedupe (expires_at);`,
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

function metaNumber(sql: SqlStorage, key: string): number {
	const row = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
	return row ? Number(row.value) : 0;
}

function setMeta(sql: SqlStorage, key: string, value: string | number): void {
	sql.exec(
		"INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		key,
		String(value),
	);
}

/** The highest sequence ever assigned (0 before the first event). Survives pruning. */
export function headSequence(sql: SqlStorage): number {
	return metaNumber(sql, "head_seq");
}

/**
 * Appends an event unless its dedupe key was seen: assigns the next sequence and stores the
 * envelope. Runs in one synchronous transaction, so sequences are gap-free and in commit order.
 */
export function appendEvent(
	storage: DurableObjectStorage,
	input: AppendInput,
	now: number,
): { result: AppendResult; envelope: Envelope | null } {
	const sql = storage.sql;
	return storage.transactionSync(() => {
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
		setMeta(sql, "head_seq", sequence);
		return { result: { id: envelope.id, sequence, duplicate: false }, envelope };
	});
}
