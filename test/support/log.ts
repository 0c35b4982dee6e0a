/** Reads a tenant's event log straight from its Durable Object's storage. */
import { env, runInDurableObject } from "cloudflare:test";
import type { Envelope } from "../../src/schema/envelope";

export async function storedEvents(tenant: string): Promise<Envelope[]> {
	return runInDurableObject(env.TENANT.getByName(tenant), (_instance, state) =>
		state.storage.sql
			.exec<{ envelope: string }>("SELECT envelope FROM events ORDER BY seq")
			.toArray()
			.map((row) => JSON.parse(row.envelope) as Envelope),
	);
}

/** A tenant's stored envelope texts in sequence order: the exact bytes that are signed and delivered. */
export async function storedTexts(tenant: string): Promise<string[]> {
	return runInDurableObject(env.TENANT.getByName(tenant), (_instance, state) =>
		state.storage.sql
			.exec<{ envelope: string }>("SELECT envelope FROM events ORDER BY seq")
			.toArray()
			.map((row) => row.envelope),
	);
}

/** Reads until `done` holds or `timeoutMs` passes (a busy machine is slow, never wrong); returns the last reading. */
export async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const v = await read();
		if (done(v) || Date.now() > until) return v;
		await new Promise((r) => setTimeout(r, 100));
	}
}
