/**
 * Builds Voxsig (Chatwoot-compatible) webhook bodies and requests, signed the way Chatwoot signs
 * them: `sha256=<hex HMAC(secret, "{timestamp}.{body}")>` with a timestamp and a delivery id.
 * Shapes follow Chatwoot's `webhook_data` for messages, conversations and contacts.
 */
import { utf8 } from "../../src/crypto/bytes";
import { signVoxsig } from "../../src/verify/voxsig";
import type { SignedRequest } from "../support/ingest";

export const VOXSIG_SECRET = "test-chatwoot-secret";

/** The contact as a conversation's `meta.sender` carries it (with the credential hookfan strips). */
export const VOXSIG_CONTACT = {
	id: 14,
	name: "Jane Doe",
	email: "jane@acme.test",
	phone_number: "+15550001111",
	identifier: null,
	pubsub_token: "baRUMaAnAB6geeGXUXBsJwDS",
	type: "contact",
};

export const VOXSIG_AGENT = { id: 1, name: "John", email: "john@acme.test", type: "user" };

/** A conversation as Chatwoot's `Conversation#webhook_data` gives it; `id` is the display id. */
export function voxsigConversationFields(fields: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		id: 10,
		inbox_id: 1,
		status: "open",
		channel: "Channel::Api",
		can_reply: true,
		contact_inbox: { id: 12, contact_id: 14, inbox_id: 1, source_id: "405f1d30", pubsub_token: "ci-token" },
		messages: [],
		labels: [],
		meta: { sender: VOXSIG_CONTACT, assignee: { id: 1, name: "John", type: "user" }, assignee_type: "User" },
		created_at: 1_767_225_000,
		updated_at: 1_767_225_600.123456,
		timestamp: 1_767_225_600,
		...fields,
	};
}

/** A message event (message_created, message_updated) from the contact unless `fields` says otherwise. */
export function voxsigMessage(
	event = "message_created",
	fields: Record<string, unknown> = {},
): Record<string, unknown> {
	return {
		event,
		id: 118,
		content: "hi there",
		created_at: "2026-01-01T00:00:00.000Z",
		message_type: "incoming",
		content_type: "text",
		content_attributes: {},
		private: false,
		source_id: null,
		sender: { id: 14, name: "Jane Doe", avatar: "", type: "contact" },
		inbox: { id: 1, name: "Acme Support" },
		conversation: voxsigConversationFields(),
		account: { id: 1, name: "Acme Inc" },
		...fields,
	};
}

/** A conversation event (conversation_created, _updated, _status_changed). */
export function voxsigConversation(event: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
	const changes = event === "conversation_created" ? {} : { changed_attributes: [{ status: ["pending", "open"] }] };
	return { event, ...voxsigConversationFields(), ...changes, ...fields };
}

/** A contact event (contact_created, contact_updated): the contact's fields at the top level. */
export function voxsigContact(event: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		event,
		id: 14,
		name: "Jane Doe",
		email: "jane@acme.test",
		phone_number: "+15550001111",
		identifier: null,
		thumbnail: "",
		additional_attributes: {},
		custom_attributes: {},
		account: { id: 1, name: "Acme Inc" },
		...(event === "contact_updated" ? { changed_attributes: [{ name: ["Jane", "Jane Doe"] }] } : {}),
		...fields,
	};
}

/** conversation_typing_on / _off: who is typing, in which conversation. */
export function voxsigTyping(event: string): Record<string, unknown> {
	return { event, user: VOXSIG_AGENT, conversation: voxsigConversationFields(), is_private: false };
}

/** webwidget_triggered: a visitor opened the web widget. */
export function voxsigWidget(): Record<string, unknown> {
	return {
		event: "webwidget_triggered",
		id: 12,
		contact: { id: 14, name: "Jane Doe", avatar: "", type: "contact" },
		inbox: { id: 1, name: "Acme Support" },
		account: { id: 1, name: "Acme Inc" },
		current_conversation: null,
		source_id: "405f1d30",
		event_info: { widget_language: "en", browser_language: "en" },
	};
}

export interface VoxsigRequestOptions {
	secret?: string;
	/** Unix seconds; now by default. */
	timestamp?: number | string;
	/** The X-Chatwoot-Delivery value; none when omitted. */
	delivery?: string;
	/** Header names, for sources that renamed them. */
	signatureHeader?: string;
	timestampHeader?: string;
	deliveryHeader?: string;
}

/** A Voxsig request signed with `secret` (the test secret by default) at `timestamp` (now). */
export async function voxsigRequest(payload: unknown, opts: VoxsigRequestOptions = {}): Promise<SignedRequest> {
	const body = JSON.stringify(payload);
	const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
	const headers: Record<string, string> = {
		"content-type": "application/json",
		[opts.signatureHeader ?? "x-chatwoot-signature"]: await signVoxsig(
			opts.secret ?? VOXSIG_SECRET,
			timestamp,
			utf8(body),
		),
		[opts.timestampHeader ?? "x-chatwoot-timestamp"]: timestamp,
	};
	if (opts.delivery !== undefined) headers[opts.deliveryHeader ?? "x-chatwoot-delivery"] = opts.delivery;
	return { body, headers };
}

/** An unsigned request (older Chatwoot) carrying `token` in `Authorization: Token` or in `?token=`. */
export function voxsigTokenRequest(payload: unknown, token: string, via: "header" | "query"): SignedRequest {
	const body = JSON.stringify(payload);
	const headers: Record<string, string> = { "content-type": "application/json" };
	if (via === "header") return { body, headers: { ...headers, authorization: `Token ${token}` } };
	return { body, headers, query: `?token=${encodeURIComponent(token)}` };
}
