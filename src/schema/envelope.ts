/**
 * The normalized event envelope: what every subscriber receives, whatever the provider.
 * These schemas are exported for subscribers (`import { EnvelopeSchema } from "hookfan/schema"`).
 */
import { z } from "zod";

/** Which way a message or call went, seen from the tenant. */
export const DirectionSchema = z.enum(["inbound", "outbound"]);

export const AttachmentSchema = z.object({
	url: z.string(),
	content_type: z.string().nullable(),
});

export const MessageDataSchema = z.object({
	id: z.string().nullable(),
	direction: DirectionSchema.nullable(),
	text: z.string().nullable(),
	from: z.string().nullable(),
	to: z.string().nullable(),
	channel: z.string().nullable(),
	attachments: z.array(AttachmentSchema),
	status: z.string().nullable(),
	error: z.object({ code: z.string().nullable(), message: z.string().nullable() }).nullable(),
	conversation_id: z.string().nullable(),
	contact_id: z.string().nullable(),
});
export type MessageData = z.infer<typeof MessageDataSchema>;

export const CallDataSchema = z.object({
	id: z.string().nullable(),
	status: z.string().nullable(),
	direction: DirectionSchema.nullable(),
	from: z.string().nullable(),
	to: z.string().nullable(),
	hangup_reason: z.string().nullable(),
});
export type CallData = z.infer<typeof CallDataSchema>;

export const ConversationDataSchema = z.object({
	id: z.string().nullable(),
	status: z.string().nullable(),
	inbox: z.string().nullable(),
	assignee: z.string().nullable(),
	contact_id: z.string().nullable(),
});
export type ConversationData = z.infer<typeof ConversationDataSchema>;

export const ContactDataSchema = z.object({
	id: z.string().nullable(),
	name: z.string().nullable(),
	phone: z.string().nullable(),
	urn: z.string().nullable(),
});
export type ContactData = z.infer<typeof ContactDataSchema>;

/** Canonical types, `<resource>.<verb>`, and the `data` shape each one carries. */
export const CANONICAL_TYPES = {
	"message.received": "message",
	"message.sent": "message",
	"message.failed": "message",
	"message.status_changed": "message",
	"message.updated": "message",
	"conversation.created": "conversation",
	"conversation.updated": "conversation",
	"conversation.status_changed": "conversation",
	"contact.created": "contact",
	"contact.updated": "contact",
	"contact.unsubscribed": "contact",
	"call.created": "call",
	"call.ringing": "call",
	"call.answered": "call",
	"call.updated": "call",
	"call.hangup": "call",
} as const;
export type CanonicalType = keyof typeof CANONICAL_TYPES;
export type Resource = (typeof CANONICAL_TYPES)[CanonicalType];

export const DATA_SCHEMAS = {
	message: MessageDataSchema,
	call: CallDataSchema,
	conversation: ConversationDataSchema,
	contact: ContactDataSchema,
} as const;

/** `data` of a type the table does not know: empty, with the whole payload in `raw`. */
export const EmptyDataSchema = z.object({}).strict();

export const EventDataSchema = z.union([
	MessageDataSchema,
	CallDataSchema,
	ConversationDataSchema,
	ContactDataSchema,
	EmptyDataSchema,
]);
export type EventData = z.infer<typeof EventDataSchema>;

/** Tenant and source ids: lowercase slugs, also used in URLs and storage keys. */
export const SlugSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be a slug: [a-z0-9][a-z0-9-]{0,62}");

/** The envelope before the tenant's Durable Object gives it a sequence number. */
export const PendingEnvelopeSchema = z.object({
	id: z
		.string()
		.regex(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/)
		.describe("The event's id, `evt_<ulid>`: the same in every delivery and retry (the `webhook-id` header)"),
	type: z.string().min(1).describe("Canonical `<resource>.<verb>`, or `<provider>.<provider_type>` for a passthrough"),
	tenant: SlugSchema.describe("The tenant the event belongs to"),
	source: SlugSchema.describe("The tenant's source it arrived on"),
	/** A key of the registry (src/providers.ts), which ingest's source config names. */
	provider: z
		.string()
		.regex(/^[a-z0-9_]{1,63}$/)
		.describe("The provider that sent it"),
	provider_type: z.string().describe("The provider's own name for the event, e.g. `msg_received`"),
	occurred_at: z
		.string()
		.nullable()
		.describe("When it happened at the provider (ISO 8601), or null when it does not say"),
	received_at: z.string().describe("When hookfan accepted it (ISO 8601)"),
	data: z.record(z.string(), z.unknown()).describe("The typed fields of the type's resource; `{}` for a passthrough"),
	// Default null: envelopes stored before `subject` existed still parse when the gateway reads them back.
	subject: z
		.string()
		.nullable()
		.default(null)
		.describe(
			"What the event is about: `conversation:<id>`, `contact:<urn or number>`, `call:<id>`, `<resource>:<id>`, or null (docs/events.md); the default per-key ordering key",
		),
	raw: z.unknown().describe("The provider's payload as parsed, secrets removed"),
});
export type PendingEnvelope = z.infer<typeof PendingEnvelopeSchema>;

/** The envelope as delivered: `sequence` is strictly increasing and gap-free per tenant. */
export const EnvelopeSchema = PendingEnvelopeSchema.extend({
	sequence: z.number().int().positive().describe("Position in the tenant's log: strictly increasing, gap-free"),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

/** The data resource a type carries, or null for a provider-specific passthrough type. */
export function resourceOf(type: string): Resource | null {
	return Object.hasOwn(CANONICAL_TYPES, type) ? CANONICAL_TYPES[type as CanonicalType] : null;
}
