/**
 * Tenant configuration in KV (binding CONFIG), the source of truth for tenants, API keys and
 * sources (subscriptions live in the tenant's Durable Object; reading a source, whose schema the
 * provider registry defines, is src/source-store.ts). Every KV key is built here, and every prefix
 * is listed in docs/storage.md. It imports nothing from hookfan, so every stage may use it.
 */
import { z } from "zod";

/** `source:{tenant}:{source}` holds one source's configuration as JSON. */
export const sourceKey = (tenant: string, source: string) => `source:${tenant}:${source}`;
/** `tenant:{id}` holds a tenant's record. */
export const tenantKey = (tenant: string) => `tenant:${tenant}`;
/** `apikey:{sha256 hex}` maps an API key's hash to its tenant: what authentication reads. */
export const apiKeyKey = (hash: string) => `apikey:${hash}`;
/** `tenantkey:{tenant}:{key_id}` lists a tenant's keys (hash and creation time, never the key). */
export const tenantKeyKey = (tenant: string, keyId: string) => `tenantkey:${tenant}:${keyId}`;
/**
 * `subscription:{tenant}:{id}`: a mirror of a subscription that older versions wrote and nothing ever
 * read (the Durable Object holds subscriptions). No longer written; tenant deletion still removes
 * what is left of it, secrets included.
 */
export const legacySubscriptionKey = (tenant: string, id: string) => `subscription:${tenant}:${id}`;
/**
 * `spool:{tenant}:{event_id}` holds an event too large for a queue message while its Durable Object
 * was unreachable (src/fanout/hand-off.ts writes it, the EVENTS consumer deletes it).
 */
export const spoolKey = (tenant: string, id: string) => `spool:${tenant}:${id}`;

/**
 * KV edge-caches reads for this long. Ingest and authentication are hot paths, so a change (a rotated
 * source secret, a deleted API key) can take up to this long to reach every location.
 */
export const CACHE_TTL_SECONDS = 60;

export const TenantRecordSchema = z.object({
	id: z.string(),
	name: z.string().nullable(),
	created_at: z.string(),
});
export type TenantRecord = z.infer<typeof TenantRecordSchema>;

export const ApiKeyRecordSchema = z.object({ tenant: z.string(), key_id: z.string() });
export const TenantKeyRecordSchema = z.object({
	id: z.string(),
	hash: z.string(),
	prefix: z.string(),
	created_at: z.string(),
});
export type TenantKeyRecord = z.infer<typeof TenantKeyRecordSchema>;

export async function readTenant(kv: KVNamespace, tenant: string): Promise<TenantRecord | null> {
	const value = await kv.get(tenantKey(tenant), "json");
	return value === null ? null : TenantRecordSchema.parse(value);
}

/** The tenant and key id an API key's hash belongs to, or null. */
export async function readApiKey(kv: KVNamespace, hash: string): Promise<z.infer<typeof ApiKeyRecordSchema> | null> {
	const value = await kv.get(apiKeyKey(hash), { type: "json", cacheTtl: CACHE_TTL_SECONDS });
	return value === null ? null : ApiKeyRecordSchema.parse(value);
}

export async function putApiKey(kv: KVNamespace, tenant: string, key: TenantKeyRecord): Promise<void> {
	await kv.put(tenantKeyKey(tenant, key.id), JSON.stringify(key));
	await kv.put(apiKeyKey(key.hash), JSON.stringify({ tenant, key_id: key.id }));
}

export async function readTenantKey(kv: KVNamespace, tenant: string, keyId: string): Promise<TenantKeyRecord | null> {
	const value = await kv.get(tenantKeyKey(tenant, keyId), "json");
	return value === null ? null : TenantKeyRecordSchema.parse(value);
}

export async function deleteApiKey(kv: KVNamespace, tenant: string, key: TenantKeyRecord): Promise<void> {
	await kv.delete(apiKeyKey(key.hash));
	await kv.delete(tenantKeyKey(tenant, key.id));
}

/** Every key name under a prefix, following KV's list cursor. */
export async function listAllKeys(kv: KVNamespace, prefix: string): Promise<string[]> {
	const names: string[] = [];
	let cursor: string | undefined;
	do {
		const page: KVNamespaceListResult<unknown> = await kv.list({ prefix, ...(cursor ? { cursor } : {}) });
		names.push(...page.keys.map((k) => k.name));
		cursor = page.list_complete ? undefined : page.cursor;
	} while (cursor);
	return names;
}

/** A page of the ids under `{prefix}{tenant}:`, in key order. */
export async function listIds(
	kv: KVNamespace,
	prefix: string,
	opts: { limit: number; cursor?: string },
): Promise<{ ids: string[]; next_cursor: string | null }> {
	const page = await kv.list({ prefix, limit: opts.limit, ...(opts.cursor ? { cursor: opts.cursor } : {}) });
	return {
		ids: page.keys.map((k) => k.name.slice(prefix.length)),
		next_cursor: page.list_complete ? null : page.cursor,
	};
}
