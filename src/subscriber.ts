/**
 * For subscribers: verify a hookfan delivery and parse it into a union discriminated on `type`.
 *
 * ```ts
 * import { verifyDelivery } from "hookfan/subscriber";
 * const result = verifyDelivery(process.env.HOOKFAN_SECRET, rawBody, req.headers);
 * if (!result.ok) return respond(result.reason === "unknown_type" ? 204 : 400);
 * switch (result.event.type) {
 *   case "message.received": console.log(result.event.data.text); break; // data: MessageData
 *   case "call.hangup": console.log(result.event.data.hangup_reason); break; // data: CallData
 * }
 * ```
 *
 * Signatures are checked by the `standardwebhooks` library (HMAC-SHA256 over id, timestamp and body,
 * 5 minutes' timestamp tolerance); the envelope by the same zod schemas the gateway builds it with.
 * This file is TypeScript loaded as is (package export `hookfan/subscriber`): bundlers, tsx and
 * `node --experimental-strip-types` (outside node_modules) run it. Its relative imports therefore
 * name their `.ts` files, as do those of the two modules it loads (./schema/catalog.ts, ./schema/envelope.ts).
 */
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import type { z } from "zod";
import type { ProviderId } from "./providers.ts"; // a type only: erased, so the registry is not loaded
import type { DataOf } from "./schema/catalog.ts";
import {
	type CanonicalType,
	DATA_SCHEMAS,
	EmptyDataSchema,
	type Envelope,
	EnvelopeSchema,
	resourceOf,
} from "./schema/envelope.ts";

export type { CallData, ContactData, ConversationData, Envelope, MessageData } from "./schema/envelope.ts";
export type { CanonicalType, DataOf, ProviderId };

type EnvelopeFields = Omit<Envelope, "type" | "data">;

/** An event of a canonical type: `data` has that type's shape. */
export type CanonicalEvent = { [T in CanonicalType]: EnvelopeFields & { type: T; data: DataOf<T> } }[CanonicalType];

/** A provider's own type that no canonical type fits: `data` is empty and the payload is in `raw`. */
export type PassthroughType = `${ProviderId}.${string}`;
export type PassthroughEvent = EnvelopeFields & { type: PassthroughType; data: Record<string, never> };

/** Every event a subscriber can receive, discriminated on `type`. */
export type HookfanEvent = CanonicalEvent | PassthroughEvent;

/** Why a delivery was refused. Answer 4xx to these (except `unknown_type`, which is authentic). */
export type DeliveryFailure =
	| { reason: "missing_headers" }
	| { reason: "bad_timestamp" }
	| { reason: "stale_timestamp" }
	| { reason: "future_timestamp" }
	| { reason: "bad_signature" }
	| { reason: "malformed"; issues: z.core.$ZodIssue[] | string }
	/** Authentic, but of a type this version of the helper does not know (a newer gateway's): acknowledge or ignore it. */
	| { reason: "unknown_type"; envelope: Envelope };

export type DeliveryResult = { ok: true; event: HookfanEvent } | ({ ok: false } & DeliveryFailure);

/** Request headers as `fetch` (Headers) or node:http (`IncomingHttpHeaders`) gives them. */
export type DeliveryHeaders = Headers | Record<string, string | string[] | undefined>;

const FAILURES: Record<string, DeliveryFailure["reason"]> = {
	"Missing required headers": "missing_headers",
	"Invalid Signature Headers": "bad_timestamp",
	"Message timestamp too old": "stale_timestamp",
	"Message timestamp too new": "future_timestamp",
	"No matching signature found": "bad_signature",
};

function headerRecord(headers: DeliveryHeaders): Record<string, string> {
	const out: Record<string, string> = {};
	const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers);
	for (const [name, value] of entries) {
		const first = Array.isArray(value) ? value[0] : value;
		if (first !== undefined) out[name.toLowerCase()] = first;
	}
	return out;
}

/**
 * Verifies a delivery signed with the subscription's `whsec_` secret and parses its envelope.
 * `body` must be the exact text received: parsing and re-serializing it breaks the signature.
 */
export function verifyDelivery(secret: string, body: string, headers: DeliveryHeaders): DeliveryResult {
	try {
		new Webhook(secret).verify(body, headerRecord(headers), { jsonParse: false });
	} catch (err) {
		if (!(err instanceof WebhookVerificationError)) throw err;
		return { ok: false, reason: FAILURES[err.message] ?? "bad_signature" } as DeliveryResult;
	}
	let json: unknown;
	try {
		json = JSON.parse(body);
	} catch {
		return { ok: false, reason: "malformed", issues: "the body is not JSON" };
	}
	return parseEvent(json);
}

/** Parses an already verified envelope (from the event log's API, say) into a `HookfanEvent`. */
export function parseEvent(json: unknown): DeliveryResult {
	const envelope = EnvelopeSchema.safeParse(json);
	if (!envelope.success) return { ok: false, reason: "malformed", issues: envelope.error.issues };
	const { type } = envelope.data;
	const resource = resourceOf(type);
	// A passthrough type is `<provider>.<provider_type>` of the provider that sent it.
	const passthrough = !resource && type.startsWith(`${envelope.data.provider}.`);
	if (!resource && !passthrough) return { ok: false, reason: "unknown_type", envelope: envelope.data };
	const data = (resource ? DATA_SCHEMAS[resource] : EmptyDataSchema).safeParse(envelope.data.data);
	if (!data.success) return { ok: false, reason: "malformed", issues: data.error.issues };
	// The zod parses above proved the shape HookfanEvent names for this `type`.
	return { ok: true, event: { ...envelope.data, data: data.data } as HookfanEvent };
}
