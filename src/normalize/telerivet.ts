/**
 * Telerivet posts `application/x-www-form-urlencoded` fields (not JSON), so every value is a string
 * (or a string array when a field repeats). `event` names what happened:
 * - `incoming_message` -> `message.received`;
 * - `send_status` -> `message.failed` for failed / failed_queued / not_delivered, else
 *   `message.status_changed`;
 * - `send_broadcast`, `contact_update`, `message_metadata` and anything newer pass through as
 *   `telerivet.<event>`: their field names are unconfirmed, so a typed `data` would be a guess.
 * The `secret` field (a proof, see src/verify/telerivet.ts) is removed before anything is stored.
 */
import { z } from "zod";
import type { CanonicalType, MessageData } from "../schema/envelope";
import { fromUnixSeconds, text } from "./fields";
import { subjectFor, subjectOf } from "./subject";
import type { NormalizedEvent, Normalizer } from "./types";

/**
 * Every canonical type this normalizer can produce (the registry hands it to the event catalog;
 * test/api/event-types.test.ts fails when it and the normalizer's output disagree).
 */
export const TELERIVET_EMITS = [
	"message.received",
	"message.failed",
	"message.status_changed",
] as const satisfies readonly CanonicalType[];

/** A form body with one `event` field; every other field is kept as sent. */
export const TelerivetPayloadSchema = z.looseObject({
	event: z.string().min(1).max(200),
});
export type TelerivetPayload = z.infer<typeof TelerivetPayloadSchema>;

/** `send_status` statuses that mean the message did not (or not yet) reach the contact. */
export const TELERIVET_FAILED_STATUSES: ReadonlySet<string> = new Set(["failed", "failed_queued", "not_delivered"]);

/**
 * The form field services and status URLs carry the source's secret in: a proof, checked by
 * src/verify/telerivet.ts and never stored.
 */
export const TELERIVET_SECRET_FIELD = "secret";

type Fields = Record<string, unknown>;

/** A value fit for a dedupe key: one string, short enough that the key stays within its limit. */
function keyPart(value: unknown): string | null {
	const s = text(value);
	return s !== null && s.length <= 200 ? s : null;
}

/** The payload without its proof. Object.fromEntries keeps `__proto__` a plain key. */
export function withoutSecret(fields: Fields): Fields {
	return Object.fromEntries(Object.entries(fields).filter(([key]) => key !== TELERIVET_SECRET_FIELD));
}

function incomingMessage(fields: Fields): MessageData {
	return {
		id: text(fields.id),
		direction: "inbound",
		text: text(fields.content),
		// The E.164 form is normalized by Telerivet; from_number is what the phone reported, and the
		// only form for channels without phone numbers.
		from: text(fields.from_number_e164) ?? text(fields.from_number),
		to: text(fields.to_number),
		channel: text(fields.message_type),
		// MMS parts are not sent as documented form fields; whatever Telerivet sends stays in `raw`.
		attachments: [],
		status: text(fields.status),
		error: null,
		conversation_id: null,
		contact_id: text(fields.contact_id),
	};
}

/**
 * Why a message failed. Telerivet's Message object has `error_code` beside `error_message`
 * (telerivet-python-client, message.py: the carrier's or Telerivet's code, e.g. Twilio's 30007);
 * both arrive as form fields on a failed send_status.
 */
function errorOf(fields: Fields, failed: boolean): MessageData["error"] {
	const code = text(fields.error_code);
	const message = text(fields.error_message);
	return failed || code !== null || message !== null ? { code, message } : null;
}

function sendStatus(fields: Fields, failed: boolean): MessageData {
	return {
		id: text(fields.id),
		direction: "outbound",
		text: text(fields.content),
		from: text(fields.from_number),
		to: text(fields.to_number),
		channel: text(fields.message_type),
		attachments: [],
		status: text(fields.status),
		error: errorOf(fields, failed),
		conversation_id: null,
		contact_id: text(fields.contact_id),
	};
}

/**
 * When it happened: an incoming message's `time_created`. For anything else the latest time the
 * payload states, since a status or an update happens after the message was created.
 */
function occurredAt(event: string, fields: Fields): string | null {
	if (event === "incoming_message") return fromUnixSeconds(fields.time_created);
	return (
		fromUnixSeconds(fields.time_updated) ?? fromUnixSeconds(fields.time_sent) ?? fromUnixSeconds(fields.time_created)
	);
}

function dedupeKey(event: string, fields: Fields): string | null {
	const id = keyPart(fields.id);
	if (id === null) return null;
	if (event === "incoming_message") return `incoming_message:${id}`;
	// One message moves through several statuses: each is its own event, a repeat of one is not.
	if (event === "send_status") return `send_status:${id}:${keyPart(fields.status) ?? ""}`;
	return null;
}

function classify(event: string, fields: Fields): { type: CanonicalType; data: MessageData } | null {
	if (event === "incoming_message") return { type: "message.received", data: incomingMessage(fields) };
	if (event === "send_status") {
		const status = text(fields.status);
		const failed = status !== null && TELERIVET_FAILED_STATUSES.has(status);
		return { type: failed ? "message.failed" : "message.status_changed", data: sendStatus(fields, failed) };
	}
	return null;
}

/** Normalizes a Telerivet form body into an envelope, without the `secret` field. */
export const normalizeTelerivet: Normalizer = ({ body }) => {
	const parsed = TelerivetPayloadSchema.safeParse(body);
	if (!parsed.success) return { ok: false, issues: parsed.error.issues };
	// Read fields from the body itself, not zod's copy: the copy silently drops a `__proto__` field,
	// and `raw` keeps everything Telerivet sent. Parsing succeeded, so the body is an object.
	const fields = withoutSecret(body as Fields);
	const { event } = parsed.data;
	const canonical = classify(event, fields);
	const normalized: NormalizedEvent = {
		provider_type: event,
		type: canonical?.type ?? `telerivet.${event}`,
		occurred_at: occurredAt(event, fields),
		data: canonical?.data ?? {},
		subject: canonical ? subjectOf(canonical.type, canonical.data) : subjectFor("contact", fields.contact_id),
		raw: fields,
		dedupe_key: dedupeKey(event, fields),
	};
	return { ok: true, event: normalized };
};
