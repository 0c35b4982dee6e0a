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
