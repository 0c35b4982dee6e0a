/**
 * The provider registry: one line per provider. A new provider is a verifier (src/verify), a
 * normalizer (src/normalize) and a line here; nothing else changes.
 */
import { z } from "zod";
import type { Normalizer } from "./normalize/types";
import { normalizeStandardWebhooks } from "./normalize/standardwebhooks";
import { normalizeVoipbin } from "./normalize/voipbin";
import type { ProviderId } from "./schema/envelope";
import { StandardWebhooksSourceSchema, verifyStandardWebhooks } from "./verify/standardwebhooks";
import type { Verifier } from "./verify/types";
import { VoipbinSourceSchema, verifyVoipbin } from "./verify/voipbin";

/** How a provider's requests carry their body. */
export type BodyFormat = "json" | "form";

export interface ProviderSpec<S extends z.ZodType = z.ZodType> {
	/** The source configuration this provider accepts (the KV value, re-parsed on every read). */
	readonly source: S;
	readonly format: BodyFormat;
	/** The provider's own proof; the shared token proof is applied by the ingest pipeline. */
	readonly verify: Verifier<z.infer<S>>;
	readonly normalize: Normalizer;
}

function spec<S extends z.ZodType>(s: ProviderSpec<S>): ProviderSpec<S> {
	return s;
}

export const PROVIDERS = {
	voipbin: spec({ source: VoipbinSourceSchema, format: "json", verify: verifyVoipbin, normalize: normalizeVoipbin }),
	standardwebhooks: spec({
		source: StandardWebhooksSourceSchema,
		format: "json",
		verify: verifyStandardWebhooks,
		normalize: normalizeStandardWebhooks,
	}),
} satisfies Partial<Record<ProviderId, ProviderSpec>>;

type Registered = keyof typeof PROVIDERS;
const schemas = Object.values(PROVIDERS).map((p) => p.source) as unknown as [
	(typeof PROVIDERS)[Registered]["source"],
	...(typeof PROVIDERS)[Registered]["source"][],
];

/** A source's stored configuration, whichever provider it is for. */
export const SourceConfigSchema = z.discriminatedUnion("provider", schemas);
export type SourceConfig = z.infer<typeof SourceConfigSchema>;

/** The registry entry for a parsed source configuration. */
export function providerOf(source: SourceConfig): ProviderSpec {
	return PROVIDERS[source.provider as Registered] as unknown as ProviderSpec;
}
