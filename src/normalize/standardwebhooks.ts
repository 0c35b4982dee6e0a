/**
 * Standard Webhooks payloads: `{"type": "...", "timestamp": "...", "data": {...}}`. A sender that
 * already speaks hookfan's canonical types (another hookfan, say) keeps them when `data` fits the
 * type's schema; anything else passes through as `standardwebhooks.<type>`.
 */
import { z } from "zod";
import { DATA_SCHEMAS, type EventData, resourceOf } from "../schema/envelope";
import { fromIso, text } from "./fields";
import { subjectOf } from "./subject";
import type { Normalizer } from "./types";

export const StandardWebhooksPayloadSchema = z.looseObject({
	type: z.string().min(1).max(200),
	timestamp: z.string().optional(),
	data: z.unknown().optional(),
});

function canonicalData(type: string, data: unknown): EventData | null {
	const resource = resourceOf(type);
	if (!resource) return null;
	const parsed = DATA_SCHEMAS[resource].safeParse(data);
	return parsed.success ? parsed.data : null;
}

export const normalizeStandardWebhooks: Normalizer = ({ body, headers }) => {
	const parsed = StandardWebhooksPayloadSchema.safeParse(body);
	if (!parsed.success) return { ok: false, issues: parsed.error.issues };
	const { type } = parsed.data;
	const data = canonicalData(type, parsed.data.data);
	return {
		ok: true,
		event: {
			provider_type: type,
			type: data ? type : `standardwebhooks.${type}`,
			occurred_at: fromIso(parsed.data.timestamp),
			data: data ?? {},
			subject: data ? subjectOf(type, data) : null,
			raw: body, // as parsed: zod's copy drops a top-level "__proto__" key
			// webhook-id is the sender's message id, the same on every retry: exactly a dedupe key.
			dedupe_key: text(headers.get("webhook-id")),
		},
	};
};
