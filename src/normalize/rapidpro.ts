/**
 * RapidPro / TextIt. A body is one of three things:
 * - a goflow engine event, `{"type": "msg_received", "created_on": ..., ...}` (a flow author posting
 *   `@(json(event))`-style bodies, or a relay of mailroom's events);
 * - the default resthook / webhook payload, `{contact, flow, path, results, run, input, channel}`,
 *   which has no `type`: stored as provider type `resthook`;
 * - any other object a `call_webhook` author wrote by hand: stored as provider type `webhook`.
 * Messages map to `message.*`, contact changes to `contact.updated`; everything else passes through.
 */
import { z } from "zod";
import { type CanonicalType, type ContactData, type MessageData, resourceOf } from "../schema/envelope";
import { fromIso, text } from "./fields";
import type { NormalizedEvent, Normalizer } from "./types";

/** Any JSON object; `type`, when present, names the goflow event. Unknown fields are kept. */
export const RapidproPayloadSchema = z.looseObject({
	type: z.string().min(1).max(200).optional(),
});
export type RapidproPayload = z.infer<typeof RapidproPayloadSchema>;

/** Provider type of the default resthook payload, which names no type of its own. */
export const RESTHOOK_TYPE = "resthook";
/** Provider type of a hand-written `call_webhook` body that is neither an event nor the default payload. */
export const WEBHOOK_TYPE = "webhook";

/** goflow event types and the canonical type each maps to; the rest pass through as `rapidpro.<type>`. */
export const RAPIDPRO_TYPES: Record<string, CanonicalType> = {
	msg_received: "message.received",
	msg_created: "message.sent",
	// The text (or recording) a voice flow plays to the contact: an outbound message on a call channel.
	ivr_created: "message.sent",
	contact_field_changed: "contact.updated",
	contact_groups_changed: "contact.updated",
	contact_language_changed: "contact.updated",
	contact_name_changed: "contact.updated",
	contact_timezone_changed: "contact.updated",
	contact_urns_changed: "contact.updated",
	contact_refreshed: "contact.updated",
};

const INBOUND_TYPES = new Set(["msg_received"]);
const MESSAGE_TYPES = new Set(["msg_received", "msg_created", "ivr_created"]);

type Fields = Record<string, unknown>;

function record(value: unknown): Fields | null {
	return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Fields) : null;
}

/** An id fit for a dedupe key: present, and short enough that the key stays within its limit. */
function id(value: unknown): string | null {
	const s = text(value);
	return s !== null && s.length <= 200 ? s : null;
}

function strings(value: unknown): string[] {
	return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && v !== "") : [];
}

/**
 * A URN without its `?query` (mailroom's channel and id pointers) or `#display` fragment:
 * `tel:+12065551212?channel=...#Bob` becomes `tel:+12065551212`.
 */
export function identityUrn(value: unknown): string | null {
	const s = text(value);
	if (s === null) return null;
	const bare = s.split(/[?#]/, 1)[0] ?? "";
	return bare === "" ? null : bare;
}

function phoneOf(urns: readonly string[]): string | null {
	for (const urn of urns) {
		const bare = identityUrn(urn);
		if (bare?.toLowerCase().startsWith("tel:")) return bare.slice(4) || null;
	}
	return null;
}

/**
 * goflow attachments are `"<content type>:<url>"` (`image/jpeg:https://...`, `audio:https://...`,
 * `geo:lat,lng`); older engines sent a bare URL, which has no content type.
 */
export function parseAttachment(value: string): MessageData["attachments"][number] {
	const colon = value.indexOf(":");
	const rest = colon > 0 ? value.slice(colon + 1) : "";
	// "https://x" splits into "https" and "//x": a bare URL, not a content type and a URL.
	if (colon <= 0 || rest.startsWith("//")) return { url: value, content_type: null };
	return { url: rest, content_type: value.slice(0, colon) };
}

/** v0.29+ nests the message under `msg`; older engines put its fields on the event itself. */
function messageFields(payload: Fields): Fields {
	return record(payload.msg) ?? payload;
}

function messageData(type: string, payload: Fields): MessageData {
	const msg = record(payload.msg);
	const src = messageFields(payload);
	const inbound = INBOUND_TYPES.has(type);
	const urn = identityUrn(src.urn);
	const unsendable = text(src.unsendable_reason);
	return {
		id: msg ? text(msg.uuid) : text(payload.msg_uuid),
		direction: inbound ? "inbound" : "outbound",
		text: text(src.text),
		// The channel's own address is not in the event: only the contact's side is known.
		from: inbound ? urn : null,
		to: inbound ? null : urn,
		channel: text(record(src.channel)?.uuid) ?? text(src.channel_uuid),
		attachments: strings(src.attachments).map(parseAttachment),
		status: null,
		error: unsendable ? { code: unsendable, message: null } : null,
		conversation_id: null,
		contact_id: text(record(payload.contact)?.uuid) ?? text(payload.contact_uuid),
	};
}

function contactData(type: string, payload: Fields): ContactData {
	const contact = record(payload.contact) ?? {};
	// contact_urns_changed carries the new URN list; contact_refreshed carries the whole contact.
	const urns = type === "contact_urns_changed" ? strings(payload.urns) : strings(contact.urns);
	return {
		id: text(contact.uuid) ?? text(payload.contact_uuid),
		name: type === "contact_name_changed" ? text(payload.name) : text(contact.name),
		phone: phoneOf(urns),
		urn: identityUrn(urns[0]),
	};
}

function canonicalOf(type: string, payload: Fields): CanonicalType | undefined {
	const canonical = Object.hasOwn(RAPIDPRO_TYPES, type) ? RAPIDPRO_TYPES[type] : undefined;
	// A created message mailroom will not send (blocked contact, no route...) is a failure, not a send.
	if (canonical === "message.sent" && text(messageFields(payload).unsendable_reason)) return "message.failed";
	return canonical;
}

function dedupeKey(type: string, payload: Fields): string | null {
	// Newer goflow (mid-2025 on) gives every event its own uuid: the best key there is.
	const eventUuid = id(payload.uuid);
	if (eventUuid) return `event:${eventUuid}`;
	if (MESSAGE_TYPES.has(type)) {
		const msgUuid = id(record(payload.msg)?.uuid) ?? id(payload.msg_uuid);
		if (msgUuid) return `${type}:${msgUuid}`;
	}
	if (type === "run_expired") {
		const runUuid = id(payload.run_uuid);
		if (runUuid) return `${type}:${runUuid}`;
	}
	return null;
}

function goflowEvent(type: string, payload: RapidproPayload): NormalizedEvent {
	const canonical = canonicalOf(type, payload);
	const resource = canonical ? resourceOf(canonical) : null;
	return {
		provider_type: type,
		type: canonical ?? `rapidpro.${type}`,
		occurred_at: fromIso(payload.created_on),
		data:
			resource === "message" ? messageData(type, payload) : resource === "contact" ? contactData(type, payload) : {},
		raw: payload,
		dedupe_key: dedupeKey(type, payload),
	};
}

/**
 * A body without `type`. It is not mapped to a message even when it carries an `input` message:
 * that input is the message that last resumed the run, repeated by every webhook later in the same
 * run, so a `message.received` per call would count one message many times. The body has no time of
 * its own (`run.created_on` is when the run began) and no id: two calls of one run differ by their
 * path and results, so the body hash keys it.
 */
function untypedBody(payload: RapidproPayload): NormalizedEvent {
	const isDefault = record(payload.flow) !== null && record(payload.run) !== null;
	const type = isDefault ? RESTHOOK_TYPE : WEBHOOK_TYPE;
	return { provider_type: type, type: `rapidpro.${type}`, occurred_at: null, data: {}, raw: payload, dedupe_key: null };
}

/** Normalizes a RapidPro / TextIt webhook body (see the module comment for the three shapes). */
export const normalizeRapidpro: Normalizer = ({ body }) => {
	const parsed = RapidproPayloadSchema.safeParse(body);
	if (!parsed.success) return { ok: false, issues: parsed.error.issues };
	const payload = parsed.data;
	const event = payload.type === undefined ? untypedBody(payload) : goflowEvent(payload.type, payload);
	// zod's copy drops a top-level "__proto__" key; raw keeps the body exactly as it was parsed.
	return { ok: true, event: { ...event, raw: body } };
};
