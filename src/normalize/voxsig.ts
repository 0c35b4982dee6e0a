/**
 * Voxsig (Chatwoot-compatible): the body is the object's own fields with `event` at the top level
 * (Chatwoot's `webhook_data` merged with `event`). Shapes drift between Chatwoot versions
 * (`message_type` 0..3 or "incoming"..."template", `created_at` unix seconds or ISO), so only
 * `event` is required and every other field is read forgivingly.
 * Messages map to `message.*`, conversations to `conversation.*`, contacts to `contact.*`;
 * typing, widget and unknown events pass through as `voxsig.<event>`.
 */
import { z } from "zod";
import {
	type CanonicalType,
	type ContactData,
	type ConversationData,
	type MessageData,
	resourceOf,
} from "../schema/envelope";
import { field, fromUnixOrIso, text } from "./fields";
import { subjectFor, subjectOf } from "./subject";
import type { NormalizedEvent, NormalizeInput, NormalizeResult, Normalizer } from "./types";

/**
 * Every canonical type this normalizer can produce (the registry hands it to the event catalog;
 * test/api/event-types.test.ts fails when it and the normalizer's output disagree).
 */
export const VOXSIG_EMITS = [
	"message.received",
	"message.sent",
	"message.updated",
	"conversation.created",
	"conversation.updated",
	"conversation.status_changed",
	"contact.created",
	"contact.updated",
] as const satisfies readonly CanonicalType[];

export const VoxsigPayloadSchema = z.looseObject({
	event: z.string().min(1).max(200),
});
export type VoxsigPayload = z.infer<typeof VoxsigPayloadSchema>;

type Fields = Record<string, unknown>;

/** Chatwoot's message types, by enum name and by the integer the older document shows. */
export type VoxsigMessageType = "incoming" | "outgoing" | "activity" | "template";
const MESSAGE_TYPES: Record<string, VoxsigMessageType> = {
	incoming: "incoming",
	outgoing: "outgoing",
	activity: "activity",
	template: "template",
	"0": "incoming",
	"1": "outgoing",
	"2": "activity",
	"3": "template",
};

/** Events that map to one canonical type whatever their content. message_created depends on it. */
export const VOXSIG_TYPES: Record<string, CanonicalType> = {
	message_updated: "message.updated",
	conversation_created: "conversation.created",
	conversation_updated: "conversation.updated",
	conversation_status_changed: "conversation.status_changed",
	// Older Chatwoot's names for status changes, deprecated in favour of conversation_status_changed.
	conversation_opened: "conversation.status_changed",
	conversation_resolved: "conversation.status_changed",
	contact_created: "contact.created",
	contact_updated: "contact.updated",
};

/** Keys that hold credentials: a contact's `pubsub_token` subscribes to its live conversation stream. */
const SECRET_KEYS = new Set(["pubsub_token"]);

/**
 * Chatwoot's delivery-id header, the same on every retry. A source may rename it (`delivery_header`,
 * whose default this is: src/verify/voxsig.ts).
 */
export const CHATWOOT_DELIVERY_HEADER = "x-chatwoot-delivery";

/** Delivery ids fit for a dedupe key: Chatwoot sends a uuid; anything odd falls back to the body. */
const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,200}$/;

function record(value: unknown): Fields | null {
	return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Fields) : null;
}

/** Reads `message_type` in either spelling; null for anything else. */
export function messageTypeOf(value: unknown): VoxsigMessageType | null {
	const key = text(value);
	return key !== null && Object.hasOwn(MESSAGE_TYPES, key) ? (MESSAGE_TYPES[key] ?? null) : null;
}

/** The payload without credentials, at any depth; everything else is kept as sent. */
export function withoutSecrets(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(withoutSecrets);
	const fields = record(value);
	if (!fields) return value;
	// Object.fromEntries defines own keys: assigning `out["__proto__"]` would replace the copy's
	// prototype instead, losing the field and making the envelope impossible to send over RPC.
	return Object.fromEntries(
		Object.entries(fields)
			.filter(([key]) => !SECRET_KEYS.has(key))
			.map(([key, child]) => [key, withoutSecrets(child)]),
	);
}

/**
 * message_created is a received or a sent message by its type. Activity notes ("resolved by ...")
 * and private notes are never delivered to the contact, so they are neither: they pass through.
 * Templates (greetings, email-collection forms, CSAT) are shown to the contact: a sent message.
 */
function canonicalOf(event: string, payload: Fields): CanonicalType | undefined {
	if (event !== "message_created") return Object.hasOwn(VOXSIG_TYPES, event) ? VOXSIG_TYPES[event] : undefined;
	if (payload.private === true) return undefined;
	const type = messageTypeOf(payload.message_type);
	if (type === "incoming") return "message.received";
	if (type === "outgoing" || type === "template") return "message.sent";
	return undefined;
}

/** A contact's address: its phone number, else its email, else the id its channel knows it by. */
function addressOf(contact: Fields | null): string | null {
	if (!contact) return null;
	return text(contact.phone_number) ?? text(contact.email) ?? text(contact.identifier);
}

/**
 * The contacts a message names: its sender when a contact sent it (Chatwoot's short form, often
 * without phone or email), then the conversation's contact (`meta.sender`, the full form).
 */
function messageContacts(payload: Fields): Fields[] {
	const sender = record(payload.sender);
	const fromConversation = record(record(record(payload.conversation)?.meta)?.sender);
	return [sender?.type === "contact" ? sender : null, fromConversation].filter((c): c is Fields => c !== null);
}

function attachments(value: unknown): MessageData["attachments"] {
	if (!Array.isArray(value)) return [];
	return value.flatMap((item) => {
		const url = text(record(item)?.data_url);
		// Chatwoot gives a kind (image, audio, video, file, location), not a MIME type.
		return url ? [{ url, content_type: text(record(item)?.file_type) }] : [];
	});
}

function messageData(payload: Fields): MessageData {
	const type = messageTypeOf(payload.message_type);
	const direction = type === "incoming" ? "inbound" : type === "outgoing" || type === "template" ? "outbound" : null;
	const contacts = messageContacts(payload);
	const address = contacts.map(addressOf).find((a) => a !== null) ?? null;
	const conversation = record(payload.conversation);
	const status = text(payload.status);
	const externalError = text(record(payload.content_attributes)?.external_error);
	return {
		id: text(payload.id),
		direction,
		text: text(payload.content),
		// The inbox's own address is not in the payload: only the contact's side is known.
		from: direction === "inbound" ? address : null,
		to: direction === "outbound" ? address : null,
		channel: text(record(payload.inbox)?.id) ?? text(conversation?.inbox_id),
		attachments: attachments(payload.attachments),
		status,
		error: status === "failed" || externalError ? { code: null, message: externalError } : null,
		conversation_id: text(conversation?.id) ?? text(payload.conversation_id),
		contact_id:
			contacts.map((c) => text(c.id)).find((id) => id !== null) ??
			text(record(conversation?.contact_inbox)?.contact_id),
	};
}

function conversationData(payload: Fields): ConversationData {
	const meta = record(payload.meta);
	return {
		id: text(payload.id),
		status: text(payload.status),
		inbox: text(payload.inbox_id),
		assignee: text(record(meta?.assignee)?.id),
		contact_id: text(record(meta?.sender)?.id) ?? text(record(payload.contact_inbox)?.contact_id),
	};
}

function contactData(payload: Fields): ContactData {
	const phone = text(payload.phone_number);
	const email = text(payload.email);
	return {
		id: text(payload.id),
		name: text(payload.name),
		phone,
		// Chatwoot has no URNs; a tel: or mailto: URN is what the other providers' contacts carry.
		urn: phone ? `tel:${phone}` : email ? `mailto:${email}` : null,
	};
}

function dataOf(canonical: CanonicalType | undefined, payload: Fields): NormalizedEvent["data"] {
	switch (canonical ? resourceOf(canonical) : null) {
		case "message":
			return messageData(payload);
		case "conversation":
			return conversationData(payload);
		case "contact":
			return contactData(payload);
		default:
			return {};
	}
}

/** Creations say when they happened in `created_at`; changes only in `updated_at`, when sent at all. */
function occurredAt(event: string, payload: Fields): string | null {
	return fromUnixOrIso(event.endsWith("_created") ? payload.created_at : payload.updated_at);
}

/**
 * The payload's own identity first, the transport's last. Chatwoot can dispatch one `message_created`
 * twice under two `X-Chatwoot-Delivery` ids (the id is stable only across retries of one dispatch), so:
 * - a creation happens once per resource id: `{event}:{id}`;
 * - a change with `updated_at` (conversations) happens once per (id, updated_at);
 * - a change without it is keyed on the body hash. `message_updated` is one (Message#webhook_data in
 *   chatwoot app/models/message.rb has neither `status` nor `updated_at`); `contact_updated` too, as
 *   far as the payloads seen show (UNCONFIRMED for every version). Each update of one message is a
 *   new event with a different body (the conversation it touches moves on), while a re-dispatch of
 *   the same update is the same body;
 * - only events without an id (typing) use the delivery header, else the body hash.
 */
function dedupeKey(event: string, payload: Fields, headers: Headers, deliveryHeader: string): string | null {
	const id = text(payload.id);
	if (id !== null) {
		if (id.length > 100) return null;
		if (event.endsWith("_created")) return `${event}:${id}`;
		const updatedAt = text(payload.updated_at);
		return updatedAt !== null && updatedAt.length <= 100 ? `${event}:${id}:${updatedAt}` : null;
	}
	const delivery = headers.get(deliveryHeader)?.trim();
	return delivery && DELIVERY_ID.test(delivery) ? `delivery:${delivery}` : null;
}

/**
 * A passthrough's subject: a conversation's events (typing, say) are about `conversation:<id>`; any
 * other `<resource>_<verb>` is about `<resource>:<id>`.
 */
function passthroughSubject(event: string, payload: Fields): string | null {
	if (event.startsWith("conversation_"))
		return subjectFor("conversation", field(payload.conversation, "id") ?? payload.id);
	const resource = /^([a-z0-9]+)_/.exec(event)?.[1];
	return resource ? subjectFor(resource, payload.id) : null;
}

/** Normalizes a Voxsig payload, reading the delivery id from the header named `deliveryHeader`. */
export function normalizeVoxsigWith(input: NormalizeInput, deliveryHeader: string): NormalizeResult {
	const parsed = VoxsigPayloadSchema.safeParse(input.body);
	if (!parsed.success) return { ok: false, issues: parsed.error.issues };
	const payload: Fields = parsed.data;
	const { event } = parsed.data;
	const canonical = canonicalOf(event, payload);
	const data = dataOf(canonical, payload);
	return {
		ok: true,
		event: {
			provider_type: event,
			type: canonical ?? `voxsig.${event}`,
			occurred_at: occurredAt(event, payload),
			data,
			subject: canonical ? subjectOf(canonical, data) : passthroughSubject(event, payload),
			raw: withoutSecrets(input.body), // the body as parsed: zod's copy drops a top-level "__proto__" key
			dedupe_key: dedupeKey(event, payload, input.headers, deliveryHeader),
		},
	};
}

/**
 * The registered normalizer: the source's `delivery_header` names the delivery id (Chatwoot's
 * `X-Chatwoot-Delivery` when there is no source, as in unit tests).
 */
export const normalizeVoxsig: Normalizer<{ readonly delivery_header: string }> = (input, source) =>
	normalizeVoxsigWith(input, source?.delivery_header ?? CHATWOOT_DELIVERY_HEADER);
