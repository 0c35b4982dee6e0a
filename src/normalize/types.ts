/** The contract every provider's normalizer implements: parsed payload in, envelope fields out. */
import type { z } from "zod";
import type { EventData } from "../schema/envelope";

export interface NormalizeInput {
	/** JSON value, or a string record for form bodies. */
	readonly body: unknown;
	readonly headers: Headers;
}

export interface NormalizedEvent {
	/** The provider's own name for the event, e.g. `msg_received`. */
	provider_type: string;
	/** Canonical `<resource>.<verb>`, or `<provider>.<provider_type>` for types the table does not know. */
	type: string;
	/** When it happened at the provider, ISO 8601, or null when the provider does not say. */
	occurred_at: string | null;
	data: EventData;
	/**
	 * What the event is about (`conversation:<id>`, `contact:<urn>`, `call:<id>`, ...), or null: the
	 * envelope's `subject`, the default per-key ordering key. ./subject has the rule.
	 */
	subject: string | null;
	/** The payload as parsed, with secrets removed. */
	raw: unknown;
	/** Identifies the provider event for dedupe; null means "use a hash of the canonical body". */
	dedupe_key: string | null;
}

export type NormalizeResult = { ok: true; event: NormalizedEvent } | { ok: false; issues: z.core.$ZodIssue[] };

/**
 * A provider's normalizer. `source` is the source's configuration, for the few options that shape
 * normalizing (such as a renamed delivery-id header); most normalizers ignore it.
 */
export type Normalizer<S = unknown> = (input: NormalizeInput, source?: S) => NormalizeResult;
