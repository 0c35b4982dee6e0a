/**
 * The tenant log's SQLite schema: migrations applied in order, once each, when the Durable Object
 * starts. Which module writes each table is in docs/storage.md; this module only creates them.
 */

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
	// Written and never read: the status and ordering columns serve queries, the rest is in `config`.
	// The table holds a row per subscription, so rewriting it costs next to nothing.
	`ALTER TABLE subscriptions DROP COLUMN start_seq;
	 ALTER TABLE subscriptions DROP COLUMN updated_at;`,
	// The rejection log (src/fanout/rejection-log.ts): WITHOUT ROWID on (source, id), so a stored
	// refusal is one row write and listing a source's newest needs no second index.
	`CREATE TABLE rejections (
	   source TEXT NOT NULL,
	   id INTEGER NOT NULL,
	   at INTEGER NOT NULL,
	   record TEXT NOT NULL,
	   PRIMARY KEY (source, id)
	 ) WITHOUT ROWID;
	 CREATE TABLE rejection_counts (
	   source TEXT PRIMARY KEY,
	   total INTEGER NOT NULL,
	   by_reason TEXT NOT NULL,
	   since INTEGER NOT NULL,
	   last_at INTEGER NOT NULL,
	   window_start INTEGER NOT NULL,
	   window_count INTEGER NOT NULL,
	   window_stored INTEGER NOT NULL
	 ) WITHOUT ROWID;`,
	// Polling subscriptions: each one's durable position (the last sequence its consumer acknowledged).
	`CREATE TABLE poll_positions (sub_id TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;`,
	// Operational events: per subject (subscription or source) and kind, whether it is reported and when.
	`CREATE TABLE ops_notices (
	   subject TEXT NOT NULL,
	   kind TEXT NOT NULL,
	   active INTEGER NOT NULL,
	   last_at INTEGER NOT NULL,
	   PRIMARY KEY (subject, kind)
	 ) WITHOUT ROWID;`,
	// Per-key ordering: a per_key subscription's delivery rows carry their ordering key ('' for a null
	// or missing one); other subscriptions' rows leave it NULL, so this partial index holds only open
	// keyed rows and costs nothing for the rest. A key's head is its lowest open seq in this index.
	`ALTER TABLE deliveries ADD COLUMN key TEXT;
	 CREATE INDEX deliveries_keyed ON deliveries (sub_id, key, seq)
	   WHERE state IN ('pending', 'queued') AND key IS NOT NULL;`,
	// Batches (ordered subscriptions with `batch`): the head row of a batch in progress keeps the batch's
	// last sequence from its first attempt until it settles, so a retry re-sends exactly that range.
	`ALTER TABLE deliveries ADD COLUMN batch_end INTEGER;`,
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
