/**
 * CloudContactAI (CCAI): `{"eventType": "...", "data": {...}, "eventHash": "..."}`, where `data` uses
 * Twilio-style PascalCase fields (SmsSid, MessageStatus, To, From, Message, ...).
 * Message events map to `message.*`, `contact.unsubscribed` to itself; other types pass through as
 * `cloudcontactai.<eventType>`. CCAI sends no event time, except UnsubscribedAt on unsubscribes.
 */
import { z } from "zod";
import type { CanonicalType, ContactData, MessageData } from "../schema/envelope";
import { fromIso, fromUnixSeconds, text } from "./fields";
import { subjectOf } from "./subject";
import type { NormalizedEvent, Normalizer } from "./types";

/**
 * Every canonical type this normalizer can produce (the registry hands it to the event catalog;
 * test/api/event-types.test.ts fails when it and the normalizer's output disagree).
 */
export const CLOUDCONTACTAI_EMITS = [
	"message.received",
	"message.sent",
	"message.failed",
	"contact.unsubscribed",
] as const satisfies readonly CanonicalType[];

export const CloudcontactaiPayloadSchema = z.looseObject({
	eventType: z.string().min(1).max(200),
	data: z.looseObject({}),
	// Optional here: the verifier is what insists on it, and only for the eventHash proof.
	eventHash: z.string().nullish(),
});
export type CloudcontactaiPayload = z.infer<typeof CloudcontactaiPayloadSchema>;

/** CCAI's event types and the canonical type each maps to; the rest pass through. */
export const CLOUDCONTACTAI_TYPES: Record<string, CanonicalType> = {
	"message.incoming": "message.received",
	// The legacy name of message.incoming, still listed by the SDKs.
	"message.received": "message.received",
	"message.sent": "message.sent",
	"message.error.carrier": "message.failed",
	"message.error.cloudcontact": "message.failed",
	// A campaign message CCAI filtered out before sending (duplicate number, opted out, ...). For the
	// tenant it is a message that never reached its recipient, which is what message.failed means to
	// a subscriber; `status` says EXCLUDED and `provider_type` keeps the distinction.
	"message.excluded": "message.failed",
	"contact.unsubscribed": "contact.unsubscribed",
};

const INBOUND_TYPES = new Set(["message.incoming", "message.received"]);

type Fields = Record<string, unknown>;

function record(value: unknown): Fields | null {
	return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Fields) : null;
}

/** The first of `keys` that holds text: CCAI's casing is PascalCase, but newer fields are UNCONFIRMED. */
function pick(fields: Fields | null, ...keys: string[]): string | null {
	if (!fields) return null;
	for (const key of keys) {
		const value = text(fields[key]);
		if (value !== null) return value;
	}
	return null;
}

/** SmsSid, unless it is CCAI's 0 ("no SMS id", as on every incoming message). */
export function smsSidOf(data: Fields): string | null {
	const sid = text(data.SmsSid);
	return sid === null || /^0+$/.test(sid) ? null : sid;
}

/**
 * The message's id: SmsSid when it is one, else `data.id`. A captured 2025 server request (quoted in
 * /work/shared/PROVIDERS.md from the CloudContactAI/CCAI.NET README) has `message.sent` with a numeric
 * `data.id` and no SmsSid at all, e.g. `{"id": 142065, "MessageStatus": "SENT", ...}`.
 */
export function messageIdOf(data: Fields): string | null {
	return smsSidOf(data) ?? text(data.id) ?? text(data.Id);
}

/** UnsubscribedAt as ISO 8601: its format is UNCONFIRMED, so ISO, unix seconds and unix ms are read. */
export function parseUnsubscribedAt(value: unknown): string | null {
	const n = typeof value === "string" && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
	// Past the year 5138 in seconds means the number is milliseconds.
	if (typeof n === "number") return fromUnixSeconds(n > 99_999_999_999 ? n / 1000 : n);
	return fromIso(value);
}

function errorOf(type: string, data: Fields): MessageData["error"] {
	const code = text(data.ErrorCode);
	// ErrorType ("carrier" or "cloudcontact") has no place in the error shape; provider_type and raw keep it.
	const message =
		type === "message.excluded" ? (text(data.ExcludedReason) ?? text(data.ErrorMessage)) : text(data.ErrorMessage);
	const failed = CLOUDCONTACTAI_TYPES[type] === "message.failed";
	return failed || code !== null || message !== null ? { code, message } : null;
}

function messageData(type: string, data: Fields): MessageData {
	return {
		id: messageIdOf(data),
		direction: INBOUND_TYPES.has(type) ? "inbound" : "outbound",
		text: text(data.Message),
		from: text(data.From),
		to: text(data.To),
		// CCAI names no channel: its numbers are the account's, and the events carry no channel id.
		channel: null,
		attachments: [],
		status: text(data.MessageStatus),
		error: errorOf(type, data),
		conversation_id: null,
		// The tenant's own id for the recipient, set when the message was sent (the SDKs' clientExternalId).
		contact_id: text(data.ClientExternalId),
	};
}

/**
 * The unsubscribed contact. ContactData's shape is UNCONFIRMED: read it forgivingly, then fall back to
 * the event's own fields: From (the number that texted STOP) before To (the number messaged).
 */
function contactData(data: Fields): ContactData {
	const contact = record(data.ContactData);
	const first = pick(contact, "FirstName", "firstName");
	const last = pick(contact, "LastName", "lastName");
	const joined = [first, last].filter((s) => s !== null).join(" ");
	const phone = pick(contact, "Phone", "phone", "PhoneNumber", "phoneNumber") ?? text(data.From) ?? text(data.To);
	return {
		id: pick(contact, "Id", "id", "ContactId", "contactId") ?? text(data.ClientExternalId),
		name: pick(contact, "Name", "name") ?? (joined === "" ? null : joined),
		phone,
		urn: phone ? `tel:${phone}` : null,
	};
}

/** A key part fit for a dedupe key (at most 512 characters in all). */
function keyPart(value: string | null | undefined): string | null {
	return value && value.length <= 400 ? value : null;
}

/**
 * CCAI has no delivery header: the payload's own identity is all there is. First the eventHash CCAI
 * signs: with it, a replayed signature over a changed body is a duplicate, not a new event (whatever
 * its length: ingest hashes a key too long to store, it never falls back to the body). Then the
 * message id with the event type: each type happens once per message (sent, then maybe an error).
 * Incoming messages (SmsSid 0, no id) are keyed on the body hash.
 */
function dedupeKey(type: string, payload: CloudcontactaiPayload): string | null {
	if (payload.eventHash) return `hash:${payload.eventHash}`;
	const id = keyPart(messageIdOf(payload.data));
	return id && type.length <= 100 ? `${type}:${id}` : null;
}

/** Normalizes a CloudContactAI webhook body. */
export const normalizeCloudcontactai: Normalizer = ({ body }) => {
	const parsed = CloudcontactaiPayloadSchema.safeParse(body);
	if (!parsed.success) return { ok: false, issues: parsed.error.issues };
	const payload = parsed.data;
	const type = payload.eventType;
	const canonical = Object.hasOwn(CLOUDCONTACTAI_TYPES, type) ? CLOUDCONTACTAI_TYPES[type] : undefined;
	const isContact = canonical === "contact.unsubscribed";
	const data = canonical === undefined ? {} : isContact ? contactData(payload.data) : messageData(type, payload.data);
	const event: NormalizedEvent = {
		provider_type: type,
		type: canonical ?? `cloudcontactai.${type}`,
		occurred_at: isContact ? parseUnsubscribedAt(payload.data.UnsubscribedAt) : null,
		data,
		subject: canonical === undefined ? null : subjectOf(canonical, data),
		// Nothing in a CCAI body is secret: eventHash is the signed input, not a key.
		// The body as parsed, not zod's copy, which drops a top-level "__proto__" key.
		raw: body,
		dedupe_key: dedupeKey(type, payload),
	};
	return { ok: true, event };
};
