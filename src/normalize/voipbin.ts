/**
 * VoIPbin: `{"type": "...", "data": {...}}` (voipbin/monorepo bin-webhook-manager/models/event/main.go).
 * Types drift between versions, so `type` is open: calls map to `call.*`, messages (SMS, and the
 * conversation manager's LINE / WhatsApp / email / webchat messages) to `message.*`, conversations to
 * `conversation.*`; everything else passes through as `voipbin.<type>`.
 *
 * `data` is each manager's webhook model, as marshalled by its `ConvertWebhookMessage`:
 * - calls: bin-call-manager/models/call/webhook.go (`source`/`destination` addresses, `status`,
 *   `direction` incoming/outgoing, `hangup_reason`, `tm_*`);
 * - SMS: bin-message-manager/models/message/webhook.go (`direction` inbound/outbound, `source`,
 *   `targets[]` of `{destination, status, parts, tm_update}`, `text`, `tm_*`), with target statuses in
 *   bin-message-manager/models/target/target.go;
 * - conversation messages: bin-conversation-manager/models/message/webhook.go (`conversation_id`,
 *   `direction` incoming/outgoing, `status` progressing/done/failed, `reference_type`, `text`,
 *   `medias`), event names in models/message/event.go (`conversation_message_*`);
 * - conversations: bin-conversation-manager/models/conversation/webhook.go (`owner_type`/`owner_id`,
 *   `account_id`, `self`/`peer` addresses).
 */
import { z } from "zod";
import type { CallData, CanonicalType, ConversationData, MessageData } from "../schema/envelope";
import { fromIso, text } from "./fields";
import { subjectFor, subjectOf } from "./subject";
import type { NormalizedEvent, Normalizer } from "./types";

/**
 * Every canonical type this normalizer can produce (the registry hands it to the event catalog;
 * test/api/event-types.test.ts fails when it and the normalizer's output disagree).
 */
export const VOIPBIN_EMITS = [
	"message.received",
	"message.sent",
	"message.failed",
	"message.status_changed",
	"conversation.created",
	"conversation.updated",
	"call.created",
	"call.ringing",
	"call.answered",
	"call.updated",
	"call.hangup",
] as const satisfies readonly CanonicalType[];

export const VoipbinPayloadSchema = z.looseObject({
	type: z.string().min(1).max(200),
	data: z.looseObject({}),
});
export type VoipbinPayload = z.infer<typeof VoipbinPayloadSchema>;

/** VoIPbin's call types and the canonical type each maps to (bin-call-manager models/call/event.go). */
export const VOIPBIN_CALL_TYPES: Record<string, CanonicalType> = {
	call_created: "call.created",
	call_dialing: "call.updated",
	call_ringing: "call.ringing",
	call_progressing: "call.answered",
	call_answered: "call.answered",
	call_updated: "call.updated",
	call_terminating: "call.updated",
	call_canceling: "call.updated",
	call_hungup: "call.hangup",
	call_hangup: "call.hangup",
	call_deleted: "call.updated",
};

/** Conversation types (bin-conversation-manager models/conversation/event.go); `_deleted` passes through. */
export const VOIPBIN_CONVERSATION_TYPES: Record<string, CanonicalType> = {
	conversation_created: "conversation.created",
	conversation_updated: "conversation.updated",
};

/** Message types: SMS (`message_*`) and conversation messages; `_deleted` passes through. */
const MESSAGE_CREATED = new Set(["message_created", "conversation_message_created"]);
const MESSAGE_UPDATED = new Set(["message_updated", "conversation_message_updated"]);

/** Statuses after which VoIPbin stops trying: the message did not reach its destination. */
const FAILED_STATUSES = new Set(["failed"]);

/** VoIPbin writes "not yet" as this far-future timestamp. */
const NOT_YET = /^9999-/;

/** Go's zero uuid, which VoIPbin marshals for an unset id. */
const NIL_UUID = "00000000-0000-0000-0000-000000000000";

type Fields = Record<string, unknown>;

/**
 * Parses VoIPbin's `tm_*` fields: "YYYY-MM-DD HH:MM:SS.ffffff" (UTC, no zone) or ISO 8601 in newer
 * versions. The "9999-01-01 ..." sentinel means "not yet" and becomes null.
 */
export function parseVoipbinTime(value: unknown): string | null {
	if (typeof value !== "string" || value === "" || NOT_YET.test(value)) return null;
	const legacy = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?$/.exec(value);
	if (legacy) {
		const fraction = (legacy[3] ?? "").slice(0, 4); // milliseconds: Date keeps no more
		return fromIso(`${legacy[1]}T${legacy[2]}${fraction}Z`);
	}
	return fromIso(value);
}

function record(value: unknown): Fields | null {
	return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Fields) : null;
}

/** An id, or null for an absent one or Go's zero uuid. */
function idOf(value: unknown): string | null {
	const s = text(value);
	return s === NIL_UUID ? null : s;
}

/** Calls say incoming/outgoing, SMS inbound/outbound, conversation messages incoming/outgoing. */
function direction(value: unknown): CallData["direction"] {
	if (value === "incoming" || value === "inbound") return "inbound";
	if (value === "outgoing" || value === "outbound") return "outbound";
	return null;
}

/** A VoIPbin address `{type, target, target_name, name}` as one string: its target (number, SIP URI, id). */
function address(value: unknown): string | null {
	const fields = record(value);
	return fields ? text(fields.target) : text(value);
}

function callData(data: Fields): CallData {
	return {
		id: idOf(data.id),
		status: text(data.status),
		direction: direction(data.direction),
		from: address(data.source),
		to: address(data.destination),
		hangup_reason: text(data.hangup_reason),
	};
}

/** The first target of an SMS: where it went and how far it got. Every target stays in `raw`. */
function firstTarget(data: Fields): Fields | null {
	return Array.isArray(data.targets) ? record(data.targets[0]) : null;
}

/** A message's status: the conversation message's own, else its first SMS target's. */
function messageStatus(data: Fields): string | null {
	return text(data.status) ?? text(firstTarget(data)?.status);
}

function messageData(data: Fields, failed: boolean): MessageData {
	return {
		id: idOf(data.id),
		direction: direction(data.direction),
		text: text(data.text),
		from: address(data.source),
		to: address(firstTarget(data)?.destination) ?? address(data.destination),
		// The medium: "sms" for the message manager, the reference type (line, whatsapp...) for conversations.
		channel: text(data.reference_type) ?? text(data.type),
		// Conversation medias carry a file name, not a URL: they stay in `raw`.
		attachments: [],
		status: messageStatus(data),
		// VoIPbin's webhook models carry no failure reason, only the status.
		error: failed ? { code: null, message: null } : null,
		conversation_id: idOf(data.conversation_id),
		contact_id: null,
	};
}

function conversationData(data: Fields): ConversationData {
	return {
		id: idOf(data.id),
		// A VoIPbin conversation has no open/closed status.
		status: null,
		// The platform account (a LINE channel, a WhatsApp number...) the conversation runs on.
		inbox: idOf(data.account_id),
		assignee: data.owner_type === "agent" ? idOf(data.owner_id) : null,
		contact_id: null,
	};
}

function classify(type: string, data: Fields): { type: CanonicalType; data: NormalizedEvent["data"] } | null {
	if (Object.hasOwn(VOIPBIN_CALL_TYPES, type))
		return { type: VOIPBIN_CALL_TYPES[type] as CanonicalType, data: callData(data) };
	if (Object.hasOwn(VOIPBIN_CONVERSATION_TYPES, type)) {
		return { type: VOIPBIN_CONVERSATION_TYPES[type] as CanonicalType, data: conversationData(data) };
	}
	const created = MESSAGE_CREATED.has(type);
	if (!created && !MESSAGE_UPDATED.has(type)) return null;
	const failed = FAILED_STATUSES.has(messageStatus(data) ?? "");
	const dir = direction(data.direction);
	const canonical: CanonicalType = failed
		? "message.failed"
		: !created
			? "message.status_changed"
			: dir === "inbound"
				? "message.received"
				: "message.sent";
	return { type: canonical, data: messageData(data, failed) };
}

/**
 * VoIPbin sends no event id or delivery id: (type, id, tm_update) names one state of one resource.
 * An SMS's target statuses are added, since a delivery report may not move the message's tm_update.
 * Without an id, or with parts too long for a key, the body hash keys it.
 */
function dedupeKey(type: string, data: Fields): string | null {
	const id = text(data.id);
	const update = text(data.tm_update) ?? "";
	if (!id || id.length > 200 || update.length > 100) return null;
	const targets = Array.isArray(data.targets) ? data.targets.map((t) => text(record(t)?.status) ?? "") : [];
	const statuses = targets.length > 0 ? `:${targets.join(",").slice(0, 150)}` : "";
	return `${type}:${id}:${update}${statuses}`;
}

/** A passthrough's `<resource>:<id>`: `agent_created` with id 7 is about `agent:7`. */
function passthroughSubject(type: string, data: Fields): string | null {
	const resource = /^([a-z0-9_]+?)_[a-z]+$/.exec(type)?.[1];
	return resource ? subjectFor(resource, data.id) : null;
}

export const normalizeVoipbin: Normalizer = ({ body }) => {
	const parsed = VoipbinPayloadSchema.safeParse(body);
	if (!parsed.success) return { ok: false, issues: parsed.error.issues };
	const { type, data } = parsed.data;
	// Own keys only (Object.hasOwn in classify): a type named "constructor" must not find Object.prototype's members.
	const canonical = classify(type, data);
	const event: NormalizedEvent = {
		provider_type: type,
		type: canonical?.type ?? `voipbin.${type}`,
		occurred_at: parseVoipbinTime(data.tm_update) ?? parseVoipbinTime(data.tm_create),
		data: canonical?.data ?? {},
		subject: canonical ? subjectOf(canonical.type, canonical.data) : passthroughSubject(type, data),
		raw: body, // as parsed: zod's copy drops a top-level "__proto__" key
		dedupe_key: dedupeKey(type, data),
	};
	return { ok: true, event };
};
