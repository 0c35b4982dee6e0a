/**
 * RapidPro / TextIt. A body is one of three things:
 * - a goflow engine event, `{"type": "msg_received", "created_on": ..., ...}` (a flow author posting
 *   `@(json(event))`-style bodies, or a relay of mailroom's events);
 * - the default resthook / webhook payload, `{contact, flow, path, results, run, input, channel}`,
 *   which has no `type`: stored as provider type `resthook`;
 * - any other object a `call_webhook` author wrote by hand, even one with its own top-level `type`
 *   (`{"type": "registration", ...}`): stored as provider type `webhook`.
 * Messages map to `message.*`, contact changes to `contact.*`, calls to `call.created`; everything
 * else passes through.
 *
 * Event shapes are from nyaruka/goflow flows/events/*.go. Since v0.250.0 (mid-2025) every event has
 * its own `uuid` (BaseEvent in flows/events/base.go) and the `msg` object has none: a message's id is
 * the uuid of the event that created it, which is what `msg_status_changed.msg_uuid` and
 * `msg_deleted.msg_uuid` point at (both typed flows.EventUUID).
 */
import { z } from "zod";
import { type CallData, type CanonicalType, type ContactData, type MessageData, resourceOf } from "../schema/envelope";
import { fromIso, text } from "./fields";
import { subjectFor, subjectOf } from "./subject";
import type { NormalizedEvent, Normalizer } from "./types";

/**
 * Every canonical type this normalizer can produce (the registry hands it to the event catalog;
 * test/api/event-types.test.ts fails when it and the normalizer's output disagree).
 */
export const RAPIDPRO_EMITS = [
	"message.received",
	"message.sent",
	"message.failed",
	"message.status_changed",
	"contact.updated",
	"contact.unsubscribed",
	"call.created",
] as const satisfies readonly CanonicalType[];

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
	// v0.261.0: {uuid, type, created_on, msg_uuid, status, reason?} (flows/events/msg_status_changed.go).
	msg_status_changed: "message.status_changed",
	contact_field_changed: "contact.updated",
	contact_groups_changed: "contact.updated",
	contact_language_changed: "contact.updated",
	contact_name_changed: "contact.updated",
	contact_timezone_changed: "contact.updated",
	contact_urns_changed: "contact.updated",
	contact_refreshed: "contact.updated",
	// {status: active|blocked|stopped|archived}; "stopped" is an opt-out (see canonicalOf).
	contact_status_changed: "contact.updated",
	// {call: {uuid, urn, channel}} (flows/events/call_created.go, call_received.go).
	call_created: "call.created",
	call_received: "call.created",
};

/**
 * Every event type goflow defines or has defined (nyaruka/goflow flows/events/*.go, current names and
 * the deprecated ones a relay of older sessions can still carry). A body whose `type` is none of
 * these is a flow author's own JSON, not an engine event.
 */
export const GOFLOW_EVENT_TYPES: ReadonlySet<string> = new Set([
	...Object.keys(RAPIDPRO_TYPES),
	"airtime_transferred",
	"broadcast_created",
	"call_missed",
	"chat_started",
	"classifier_called",
	"contact_last_seen_changed",
	"dial_ended",
	"dial_wait",
	"email_created",
	"email_sent",
	"environment_refreshed",
	"error",
	"failure",
	"flow_entered",
	"input_labels_added",
	"llm_called",
	"msg_deleted",
	"msg_wait",
	"optin_requested",
	"optin_started",
	"optin_stopped",
	"resthook_called",
	"run_ended",
	"run_expired",
	"run_result_changed",
	"run_started",
	"service_called",
	"session_triggered",
	"ticket_assignee_changed",
	"ticket_closed",
	"ticket_note_added",
	"ticket_opened",
	"ticket_reopened",
	"ticket_topic_changed",
	"wait_expired",
	"wait_timed_out",
	"warning",
	"webhook_called",
]);

const INBOUND_TYPES = new Set(["msg_received"]);
const MESSAGE_TYPES = new Set(["msg_received", "msg_created", "ivr_created"]);
/** msg_status_changed statuses after which mailroom stops trying: the message never reached the contact. */
const FAILED_STATUSES = new Set(["failed"]);

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

/**
 * The message's id: the msg object's own uuid (goflow before v0.250.0), else the event's uuid (the
 * msg object has none since then), else the flat `msg_uuid` of the oldest engines.
 */
function messageId(payload: Fields): string | null {
	return text(record(payload.msg)?.uuid) ?? text(payload.uuid) ?? text(payload.msg_uuid);
}

/** msg_status_changed names only the message (by its creating event's uuid) and its new status. */
function statusData(payload: Fields): MessageData {
	const reason = text(payload.reason);
	const status = text(payload.status);
	return {
		id: text(payload.msg_uuid),
		direction: "outbound",
		text: null,
		from: null,
		to: null,
		channel: null,
		attachments: [],
		status,
		error: reason !== null || (status !== null && FAILED_STATUSES.has(status)) ? { code: reason, message: null } : null,
		conversation_id: null,
		contact_id: null,
	};
}

function messageData(type: string, payload: Fields): MessageData {
	if (type === "msg_status_changed") return statusData(payload);
	const src = messageFields(payload);
	const inbound = INBOUND_TYPES.has(type);
	const urn = identityUrn(src.urn);
	const unsendable = text(src.unsendable_reason) ?? text(payload.unsendable_reason);
	return {
		id: messageId(payload),
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

/** A goflow call (`call_created` outbound, `call_received` inbound): the contact's URN is the far end. */
function callData(type: string, payload: Fields): CallData {
	const call = record(payload.call) ?? {};
	const inbound = type === "call_received";
	const urn = identityUrn(call.urn);
	return {
		id: text(call.uuid),
		status: null,
		direction: inbound ? "inbound" : "outbound",
		from: inbound ? urn : null,
		to: inbound ? null : urn,
		hangup_reason: null,
	};
}

function canonicalOf(type: string, payload: Fields): CanonicalType | undefined {
	const canonical = Object.hasOwn(RAPIDPRO_TYPES, type) ? RAPIDPRO_TYPES[type] : undefined;
	// A created message mailroom will not send (blocked contact, no route...) is a failure, not a send.
	const unsendable = text(messageFields(payload).unsendable_reason) ?? text(payload.unsendable_reason);
	if (canonical === "message.sent" && unsendable) return "message.failed";
	if (type === "msg_status_changed" && FAILED_STATUSES.has(text(payload.status) ?? "")) return "message.failed";
	// A stopped contact opted out (sent STOP or was stopped by a channel): what an unsubscribe means.
	if (type === "contact_status_changed" && text(payload.status) === "stopped") return "contact.unsubscribed";
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

/** `contact:<uuid>` of the contact a body is about (an engine event's or a flow run's), or null. */
function contactSubject(payload: RapidproPayload): string | null {
	return subjectFor("contact", id(record(payload.contact)?.uuid) ?? id(payload.contact_uuid));
}

function goflowEvent(type: string, payload: RapidproPayload): NormalizedEvent {
	const canonical = canonicalOf(type, payload);
	const resource = canonical ? resourceOf(canonical) : null;
	const data =
		resource === "message"
			? messageData(type, payload)
			: resource === "contact"
				? contactData(type, payload)
				: resource === "call"
					? callData(type, payload)
					: {};
	return {
		provider_type: type,
		type: canonical ?? `rapidpro.${type}`,
		occurred_at: fromIso(payload.created_on),
		data,
		// A run's other events are about its contact.
		subject: canonical ? subjectOf(canonical, data) : contactSubject(payload),
		raw: payload,
		dedupe_key: dedupeKey(type, payload),
	};
}

/**
 * Whether a typed body is an engine event. goflow's own types are; an unknown type is one only when
 * the body has what every goflow event has (flows/events/base.go: `created_on`, and `uuid` since
 * mid-2025 or `step_uuid` inside a session), so a newer goflow type still passes through as itself.
 */
function isGoflowEvent(type: string, payload: RapidproPayload): boolean {
	if (GOFLOW_EVENT_TYPES.has(type)) return true;
	return fromIso(payload.created_on) !== null && (id(payload.uuid) !== null || id(payload.step_uuid) !== null);
}

/**
 * A body that is not an engine event. It is not mapped to a message even when it carries an `input` message:
 * that input is the message that last resumed the run, repeated by every webhook later in the same
 * run, so a `message.received` per call would count one message many times. The body has no time of
 * its own (`run.created_on` is when the run began) and no id: two calls of one run differ by their
 * path and results, so the body hash keys it.
 */
function authoredBody(payload: RapidproPayload): NormalizedEvent {
	const isDefault = payload.type === undefined && record(payload.flow) !== null && record(payload.run) !== null;
	const type = isDefault ? RESTHOOK_TYPE : WEBHOOK_TYPE;
	return {
		provider_type: type,
		type: `rapidpro.${type}`,
		occurred_at: null,
		data: {},
		subject: contactSubject(payload),
		raw: payload,
		dedupe_key: null,
	};
}

/** Normalizes a RapidPro / TextIt webhook body (see the module comment for the three shapes). */
export const normalizeRapidpro: Normalizer = ({ body }) => {
	const parsed = RapidproPayloadSchema.safeParse(body);
	if (!parsed.success) return { ok: false, issues: parsed.error.issues };
	const payload = parsed.data;
	const { type } = payload;
	const event = type !== undefined && isGoflowEvent(type, payload) ? goflowEvent(type, payload) : authoredBody(payload);
	// zod's copy drops a top-level "__proto__" key; raw keeps the body exactly as it was parsed.
	return { ok: true, event: { ...event, raw: body } };
};
