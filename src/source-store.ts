/**
 * Reads source configurations from KV (`source:{tenant}:{source}`), re-parsed with the registry's
 * schema, through this isolate's cache. Kept apart from src/config.ts so that modules below the
 * registry (the hand-off's spool keys, say) can build KV keys without importing every provider.
 */
import { CACHE_TTL_SECONDS, sourceKey } from "./config";
import { type SourceConfig, SourceConfigSchema } from "./providers";

/** Parsed source configurations this isolate read recently, so a busy source is not re-read and re-parsed per request. */
const sourceCache = new Map<string, { config: SourceConfig; until: number }>();
const SOURCE_CACHE_ENTRIES = 1000;

/** Drops a source from this isolate's cache (the API calls it after a change; other isolates expire it). */
export function forgetSource(tenant: string, source: string): void {
	sourceCache.delete(sourceKey(tenant, source));
}

/**
 * Reads and re-parses a source's configuration; null when there is none. Ingest reads through this
 * isolate's cache and then KV's edge cache, both for at most 60 s, the window in which a change
 * (a rotated secret, a deleted source) may not yet apply everywhere. The management API reads `fresh`,
 * so a GET after a PUT shows the PUT. Unknown sources are not cached, so a new one works at once.
 */
export async function readSource(
	kv: KVNamespace,
	tenant: string,
	source: string,
	opts: { fresh?: boolean } = {},
): Promise<SourceConfig | null> {
	const key = sourceKey(tenant, source);
	const now = Date.now();
	const cached = opts.fresh ? undefined : sourceCache.get(key);
	if (cached && cached.until > now) return cached.config;
	const value = opts.fresh
		? await kv.get(key, "json")
		: await kv.get(key, { type: "json", cacheTtl: CACHE_TTL_SECONDS });
	if (value === null) {
		sourceCache.delete(key);
		return null;
	}
	// A value that does not parse was not written by hookfan's API: a bug or a hand edit, not bad input.
	const config = SourceConfigSchema.parse(value);
	if (sourceCache.size >= SOURCE_CACHE_ENTRIES) sourceCache.delete(sourceCache.keys().next().value as string);
	sourceCache.set(key, { config, until: now + CACHE_TTL_SECONDS * 1000 });
	return config;
}
