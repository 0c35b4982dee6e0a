/**
 * Builds CloudContactAI webhook bodies and requests, signed the way CCAI signs them:
 * `X-CCAI-Signature: Base64(HMAC-SHA256(secret, "{clientId}:{eventHash}"))`.
 */

import { utf8 } from "../../src/crypto/bytes";
import { signCloudcontactai, signCloudcontactaiLegacy } from "../../src/verify/cloudcontactai";
import type { SignedRequest } from "../support/ingest";

export const CCAI_SECRET = "test-ccai-secret";
export const CCAI_CLIENT_ID = "1231";
export const CCAI_EVENT_HASH = "abc123def456ghi789";

/** The fields every CCAI message event carries, as the SDKs' samples show them. */
const MESSAGE_BASE = {
	SmsSid: 12345,
	MessageStatus: "DELIVERED",
	To: "+15550002222",
	Message: "Your order has shipped.",
	CustomData: "order_id:12345",
	ClientExternalId: "customer_abc123",
	CampaignId: 67890,
	CampaignTitle: "Order Notifications",
};

/** Per event type, the `data` CCAI sends (on top of MESSAGE_BASE for message events). */
const DATA_BY_TYPE: Record<string, Record<string, unknown>> = {
	"message.sent": { Segments: 2, TotalPrice: 0.02 },
	"message.incoming": {
		SmsSid: 0,
		MessageStatus: "RECEIVED",
		To: "+15550009999",
		From: "+15550002222",
		Message: "Yes please",
	},
	"message.received": {
		SmsSid: 0,
		MessageStatus: "RECEIVED",
		To: "+15550009999",
		From: "+15550002222",
		Message: "Yes please",
	},
	"message.excluded": { SmsSid: 0, MessageStatus: "EXCLUDED", ExcludedReason: "Duplicate phone number in campaign" },
	"message.error.carrier": {
		MessageStatus: "FAILED",
		ErrorCode: "30008",
		ErrorMessage: "Unknown destination handset",
		ErrorType: "carrier",
	},
	"message.error.cloudcontact": {
		MessageStatus: "FAILED",
		ErrorCode: "CCAI-001",
		ErrorMessage: "Insufficient account balance",
		ErrorType: "cloudcontact",
	},
};

/** A CCAI body: `{eventType, data, eventHash}`, without eventHash when it is null. */
function ccaiBody(eventType: string, data: Record<string, unknown>, eventHash: string | null): Record<string, unknown> {
	return eventHash === null ? { eventType, data } : { eventType, data, eventHash };
}

/** A CCAI message event (`message.*`) with `data` overrides. */
export function ccaiMessage(
	eventType: string,
	data: Record<string, unknown> = {},
	eventHash: string | null = CCAI_EVENT_HASH,
): Record<string, unknown> {
	return ccaiBody(eventType, { ...MESSAGE_BASE, ...DATA_BY_TYPE[eventType], ...data }, eventHash);
}

/**
 * A message event in the shape a captured 2025 server request shows (quoted in hookfan's provider notes
 * from the CloudContactAI/CCAI.NET README): a numeric `data.id`, MessageStatus `SENT`, no SmsSid.
 */
export function ccaiServerMessage(
	eventType: string,
	data: Record<string, unknown> = {},
	eventHash: string | null = CCAI_EVENT_HASH,
): Record<string, unknown> {
	const sent = { id: 142065, MessageStatus: "SENT", To: "+14155550142", Message: "Your table is ready." };
	return ccaiBody(eventType, { ...sent, ...data }, eventHash);
}

/** A `contact.unsubscribed` event (field names beyond UnsubscribedAt and ContactData are UNCONFIRMED). */
export function ccaiUnsubscribed(
	data: Record<string, unknown> = {},
	eventHash: string | null = CCAI_EVENT_HASH,
): Record<string, unknown> {
	const unsubscribed = {
		SmsSid: 0,
		From: "+15550002222",
		To: "+15550009999",
		Message: "STOP",
		ClientExternalId: "customer_abc123",
		UnsubscribedAt: "2026-05-06T07:08:09Z",
		ContactData: { Id: 4242, FirstName: "Ada", LastName: "Lovelace", Phone: "+15550002222" },
	};
	return ccaiBody("contact.unsubscribed", { ...unsubscribed, ...data }, eventHash);
}

export interface CcaiRequestOptions {
	secret?: string;
	clientId?: string;
	/** Sign this eventHash instead of the body's (to tamper), or null to send no signature at all. */
	signedHash?: string | null;
	/** Sign the raw body the older SDK's way (hex HMAC) instead of the eventHash scheme. */
	legacy?: boolean;
	method?: string;
	/** The exact body text, when it must differ from `JSON.stringify(payload)`. */
	rawBody?: string;
}

/** A CCAI request, correctly signed unless the options say otherwise. */
export async function ccaiRequest(payload: unknown, options: CcaiRequestOptions = {}): Promise<SignedRequest> {
	const secret = options.secret ?? CCAI_SECRET;
	const body = options.rawBody ?? JSON.stringify(payload);
	const headers: Record<string, string> = { "content-type": "application/json" };
	const bodyHash = (payload as { eventHash?: unknown } | null)?.eventHash;
	const signedHash =
		options.signedHash === undefined ? (typeof bodyHash === "string" ? bodyHash : null) : options.signedHash;
	if (options.legacy) {
		headers["x-ccai-signature"] = await signCloudcontactaiLegacy(secret, utf8(body));
	} else if (signedHash !== null) {
		headers["x-ccai-signature"] = await signCloudcontactai(secret, options.clientId ?? CCAI_CLIENT_ID, signedHash);
	}
	return { body, headers, method: options.method ?? "POST" };
}
