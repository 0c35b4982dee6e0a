/**
 * What a capability of the tenant's Durable Object needs from the object that hosts it, and no more:
 * its storage, its bindings, and a way to ask for the alarm. Like the host Cloudflare's agents SDK
 * hands its scheduler, it keeps each capability (delivery, retention) in its own module with its own
 * tables, while the object arbitrates the one alarm from the times they report.
 */
export interface Host {
	/** The object's SQLite database: synchronous, private to this object. */
	readonly sql: SqlStorage;
	/** Runs `fn` as one transaction: every write inside it commits, or none does. `fn` must not await. */
	transaction<T>(fn: () => T): T;
	readonly env: Env;
	/** The object's id as hex, which addresses it from a queue message. */
	readonly id: string;
	/** The tenant the object belongs to (its name), for logs. */
	readonly tenant: string | undefined;
	/**
	 * Makes sure the alarm fires no later than `at` (ms since epoch), and tells an alarm run in progress
	 * to look for new work at once.
	 */
	wake(at: number): Promise<void>;
}
