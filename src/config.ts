/**
 * Tenant configuration in KV (binding CONFIG), the source of truth that ingest reads.
 * Every key prefix is listed in docs/storage.md.
 */
import { type SourceConfig, SourceConfigSchema } from "./providers";

/** `source:{tenant}:{source}` holds one source's configuration as JSON. */
export const sourceKey = (tenant: string, source: string) => `source:${tenant}:${source}`;

/**
 * KV edge-caches reads for this long. Ingest is the hot path, so a source change (a rotated secret)
 * can take up to this long to reach every location; KV itself is eventually consistent too.
 */
const SOURCE_CACHE_TTL_SECONDS = 60;

/** Reads and re-parses a source's configuration; null when there is none. */
export async function readSource(kv: KVNamespace, tenant: string, source: string): Promise<SourceConfig | null> {
	const value = await kv.get(sourceKey(tenant, source), { type: "json", cacheTtl: SOURCE_CACHE_TTL_SECONDS });
	if (value === null) return null;
	// A value that does not parse was not written by hookfan's API: a bug or a hand edit, not bad input.
	return SourceConfigSchema.parse(value);
}
