/** Seeds tenant configuration the way the management API stores it (KV is the source of truth). */
import { env } from "cloudflare:test";
import { sourceKey } from "../../src/config";
import { SourceConfigSchema } from "../../src/providers";

/** Stores a source after validating it with the same schema ingest reads it with. */
export async function seedSource(tenant: string, source: string, config: Record<string, unknown>): Promise<void> {
	SourceConfigSchema.parse(config);
	await env.CONFIG.put(sourceKey(tenant, source), JSON.stringify(config));
}

/** Distinct tenant ids keep tests independent of each other's Durable Object state. */
let counter = 0;
export function freshTenant(prefix = "t"): string {
	counter += 1;
	return `${prefix}-${Date.now().toString(36)}-${counter}`;
}
