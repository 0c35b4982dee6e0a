/**
 * Meters a tenant Durable Object's billable storage work from inside the test runtime: every SQL
 * statement's rows read and written (from its cursor, as Cloudflare bills them), every setAlarm (billed
 * as one row written) and every alarm run (billed as one request). Production code is unchanged.
 */
import { env, runInDurableObject } from "cloudflare:test";

export interface Meter {
	rowsRead: number;
	rowsWritten: number;
	setAlarms: number;
	alarmRuns: number;
	statements: number;
	/** Reports of refused requests the object received (each upserts the source's counter row once). */
	rejectionReports: number;
	/** Rows read per distinct statement, most first: where to look when a budget breaks. */
	topReads: [string, number][];
}

/** Installs the meter on the tenant's object; read the totals with `read()`. */
export async function meterTenant(tenant: string): Promise<{ read: () => Promise<Meter> }> {
	const stub = env.TENANT.getByName(tenant);
	await stub.stats(); // construct and migrate first, so migrations are not counted
	await runInDurableObject(stub, (instance: object, state) => {
		const sql = state.storage.sql;
		const cursors: [string, SqlStorageCursor<Record<string, SqlStorageValue>>][] = [];
		const counts = { setAlarms: 0, alarmRuns: 0 };
		const exec = sql.exec.bind(sql);
		Object.defineProperty(sql, "exec", {
			value: (query: string, ...bindings: unknown[]) => {
				const cursor = exec(query, ...bindings);
				cursors.push([query, cursor]);
				return cursor;
			},
		});
		const setAlarm = state.storage.setAlarm.bind(state.storage);
		Object.defineProperty(state.storage, "setAlarm", {
			value: (...args: Parameters<DurableObjectStorage["setAlarm"]>) => {
				counts.setAlarms++;
				return setAlarm(...args);
			},
		});
		const target = instance as { alarm: () => Promise<void> };
		const alarm = target.alarm.bind(target);
		Object.defineProperty(target, "alarm", {
			value: () => {
				counts.alarmRuns++;
				return alarm();
			},
		});
		(globalThis as Record<string, unknown>)[`meter:${tenant}`] = { cursors, counts };
	});
	return {
		read: () =>
			runInDurableObject(stub, () => {
				const { cursors, counts } = (globalThis as Record<string, unknown>)[`meter:${tenant}`] as {
					cursors: [string, SqlStorageCursor<Record<string, SqlStorageValue>>][];
					counts: { setAlarms: number; alarmRuns: number };
				};
				const byQuery = new Map<string, number>();
				for (const [q, c] of cursors) byQuery.set(q, (byQuery.get(q) ?? 0) + c.rowsRead);
				return {
					rowsRead: cursors.reduce((n, [, c]) => n + c.rowsRead, 0),
					rowsWritten: cursors.reduce((n, [, c]) => n + c.rowsWritten, 0) + counts.setAlarms,
					setAlarms: counts.setAlarms,
					alarmRuns: counts.alarmRuns,
					statements: cursors.length,
					rejectionReports: cursors.filter(([q]) => q.includes("INTO rejection_counts")).length,
					topReads: [...byQuery.entries()]
						.sort((a, b) => b[1] - a[1])
						.slice(0, 3)
						.map(([q, n]) => [q.replace(/\s+/g, " ").slice(0, 100), n] as [string, number]),
				};
			}),
	};
}
