/**
 * One example envelope per canonical type, for the catalog and the OpenAPI `webhooks` section. Each
 * is typed by its type's `data` schema here, and test/api/event-types.test.ts validates every one
 * against its published JSON Schema.
 */
import type { z } from "zod";
import { subjectOf } from "../normalize/subject";
import type {
	CANONICAL_TYPES,
	CallData,
	CanonicalType,
	ContactData,
	ConversationData,
	DATA_SCHEMAS,
	Envelope,
	MessageData,
} from "./envelope";

/** The `data` a canonical type carries. */
export type DataOf<T extends CanonicalType> = z.infer<(typeof DATA_SCHEMAS)[(typeof CANONICAL_TYPES)[T]]>;

interface Example<T extends CanonicalType> {
	/** The provider's own name for the event that the example's first provider sends. */
	provider_type: string;
	data: DataOf<T>;
}

function message(fields: Partial<MessageData>): MessageData {
	return {
		id: "2d611e17-fb22-457f-b802-b8f7ec5cda5b",
		direction: "inbound",
		text: "hi there",
		from: "tel:+12065551212",
		to: null,
		channel: "61602f3e-f603-4c70-8a8f-c477505bf4bf",
		attachments: [],
		status: null,
		error: null,
		conversation_id: null,
		contact_id: "0e06f977-cbb7-475f-9d0b-a0c4aaec7f6a",
		...fields,
	};
}

function outbound(fields: Partial<MessageData>): MessageData {
	return message({ direction: "outbound", from: null, to: "+15550002222", channel: null, ...fields });
}

function conversation(fields: Partial<ConversationData>): ConversationData {
	return { id: "10", status: "open", inbox: "Acme Support", assignee: "John", contact_id: "14", ...fields };
}

function contact(fields: Partial<ContactData>): ContactData {
	return { id: "14", name: "Jane Doe", phone: "+15550001111", urn: "tel:+15550001111", ...fields };
}

function call(fields: Partial<CallData>): CallData {
	return {
		id: "call-1",
		status: "progressing",
		direction: "inbound",
		from: "+15550001111",
		to: "+15550002222",
		hangup_reason: null,
		...fields,
	};
}

const EXAMPLES: { [T in CanonicalType]: Example<T> } = {
	"message.received": { provider_type: "msg_received", data: message({}) },
	"message.sent": { provider_type: "msg_created", data: outbound({ to: "tel:+12065551212", text: "Thanks!" }) },
	"message.failed": {
		provider_type: "msg_created",
		data: outbound({ to: "tel:+12065551212", error: { code: "no_route", message: null } }),
	},
	"message.status_changed": { provider_type: "send_status", data: outbound({ id: "SM1a2b3c", status: "delivered" }) },
	"message.updated": {
		provider_type: "message_updated",
		data: outbound({ id: "118", status: "read", conversation_id: "10", contact_id: "14" }),
	},
	"conversation.created": { provider_type: "conversation_created", data: conversation({ assignee: null }) },
	"conversation.updated": { provider_type: "conversation_updated", data: conversation({}) },
	"conversation.status_changed": {
		provider_type: "conversation_status_changed",
		data: conversation({ status: "resolved" }),
	},
	"contact.created": { provider_type: "contact_created", data: contact({}) },
	"contact.updated": {
		provider_type: "contact_name_changed",
		data: contact({ id: "0e06f977", phone: null, urn: null }),
	},
	"contact.unsubscribed": {
		provider_type: "contact.unsubscribed",
		data: contact({ id: "4242", name: "Ada Lovelace" }),
	},
	"call.created": { provider_type: "call_created", data: call({ status: "dialing" }) },
	"call.ringing": { provider_type: "call_ringing", data: call({ status: "ringing" }) },
	"call.answered": { provider_type: "call_answered", data: call({}) },
	"call.updated": { provider_type: "call_terminating", data: call({ status: "terminating" }) },
	"call.hangup": { provider_type: "call_hungup", data: call({ status: "hangup", hangup_reason: "normal" }) },
};

/** An example envelope of `type`, as a subscriber would receive it from `provider` (one of its emitters). */
export function exampleEnvelope(type: CanonicalType, provider: string): Envelope {
	const { provider_type, data } = EXAMPLES[type];
	return {
		id: "evt_01JD8X3Q9Z4M6N7P8R9S0T1V2W",
		type,
		tenant: "acme",
		source: "main",
		provider,
		provider_type,
		sequence: 42,
		occurred_at: "2026-11-20T10:00:05.000Z",
		received_at: "2026-11-20T10:00:05.412Z",
		data,
		subject: subjectOf(type, data),
		raw: { "…": "the provider's payload as parsed, secrets removed" },
	};
}
