/**
 * The event catalog: every envelope type a subscriber can receive, what it means, which providers
 * emit it, and its JSON Schema. The schemas are generated from the zod schemas in ./envelope (with
 * zod's `z.toJSONSchema`), so the catalog, `/schemas/{type}.json` and the OpenAPI `webhooks` section
 * cannot disagree with what the gateway validates. Meanings follow docs/events.md.
 */
import { z } from "zod";
import {
	CANONICAL_TYPES,
	type CanonicalType,
	DATA_SCHEMAS,
	EmptyDataSchema,
	EnvelopeSchema,
	PROVIDER_IDS,
	type ProviderId,
} from "./envelope.ts"; // with its extension: hookfan/subscriber loads this file under Node's type stripping

/** The `data` a canonical type carries. */
export type DataOf<T extends CanonicalType> = z.infer<(typeof DATA_SCHEMAS)[(typeof CANONICAL_TYPES)[T]]>;

export interface EventTypeInfo {
	/** What happened, in one or two sentences. */
	readonly description: string;
	/**
	 * The providers whose events normalize to this type. test/api/event-types.test.ts ingests every
	 * provider's samples and fails when this list and the normalizers disagree.
	 */
	readonly providers: readonly [ProviderId, ...ProviderId[]];
}

/** Standard Webhooks senders keep any canonical type whose `data` fits (another hookfan, say). */
const RELAYED = ["standardwebhooks"] as const;

/** One entry per canonical type: its meaning and who emits it. */
export const EVENT_TYPES = {
	"message.received": {
		description: "A contact sent a message to the tenant (inbound).",
		providers: ["rapidpro", "cloudcontactai", "telerivet", "voxsig", ...RELAYED],
	},
	"message.sent": {
		description:
			"The tenant's side sent a message to a contact (outbound): a flow's reply, a campaign message or an agent's. For RapidPro it means the engine created it, not that it was delivered.",
		providers: ["rapidpro", "cloudcontactai", "voxsig", ...RELAYED],
	},
	"message.failed": {
		description:
			"An outbound message will not reach the contact: unsendable, rejected by the carrier or the provider, or excluded from a campaign. `error` says why.",
		providers: ["rapidpro", "cloudcontactai", "telerivet", ...RELAYED],
	},
	"message.status_changed": {
		description: "An outbound message's delivery status changed (`status`: queued, sent, delivered, read, ...).",
		providers: ["telerivet", ...RELAYED],
	},
	"message.updated": {
		description: "A message in a conversation changed, such as its delivery status; `error` when delivery failed.",
		providers: ["voxsig", ...RELAYED],
	},
	"conversation.created": {
		description: "A conversation was opened.",
		providers: ["voxsig", ...RELAYED],
	},
	"conversation.updated": {
		description: "A conversation's attributes changed; which ones is in `raw`.",
		providers: ["voxsig", ...RELAYED],
	},
	"conversation.status_changed": {
		description: "A conversation's status changed (open, resolved, pending, snoozed).",
		providers: ["voxsig", ...RELAYED],
	},
	"contact.created": {
		description: "A contact was created.",
		providers: ["voxsig", ...RELAYED],
	},
	"contact.updated": {
		description:
			"A contact changed: name, URNs, fields, groups, language or timezone. `data` has what the envelope can hold; the change itself is in `raw`.",
		providers: ["rapidpro", "voxsig", ...RELAYED],
	},
	"contact.unsubscribed": {
		description: "A contact opted out of messages (replied STOP, say).",
		providers: ["cloudcontactai", ...RELAYED],
	},
	"call.created": {
		description: "A call was created, before it rings.",
		providers: ["voipbin", ...RELAYED],
	},
	"call.ringing": {
		description: "A call is ringing.",
		providers: ["voipbin", ...RELAYED],
	},
	"call.answered": {
		description: "A call was answered: it is up.",
		providers: ["voipbin", ...RELAYED],
	},
	"call.updated": {
		description: "A call changed state otherwise (dialing, terminating, canceling, deleted); `status` says which.",
		providers: ["voipbin", ...RELAYED],
	},
	"call.hangup": {
		description: "A call ended; `hangup_reason` says why when the provider does.",
		providers: ["voipbin", ...RELAYED],
	},
} as const satisfies Record<CanonicalType, EventTypeInfo>;

/** The canonical types, in catalog order. */
export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as CanonicalType[];

/** The pattern of the types a provider's events get when no canonical type fits. */
export function passthroughPattern(provider: ProviderId): string {
	return `${provider}.<provider_type>`;
}

/** The file name under /schemas/ of a provider's passthrough schema (itself a passthrough type). */
export function passthroughSchemaName(provider: ProviderId): string {
	return `${provider}.passthrough`;
}

/** The envelope of one canonical type: `type` fixed, `provider` one of its emitters, `data` typed. */
export function canonicalEnvelopeSchema(type: CanonicalType) {
	const { providers } = EVENT_TYPES[type];
	return EnvelopeSchema.extend({
		type: z.literal(type),
		provider: z.enum(providers),
		data: DATA_SCHEMAS[CANONICAL_TYPES[type]],
	});
}

function escapeRegExp(s: string): string {
	return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The envelope of a provider's passthrough types: `<provider>.<provider_type>`, `data` empty, all in `raw`. */
export function passthroughEnvelopeSchema(provider: ProviderId) {
	return EnvelopeSchema.extend({
		type: z.string().regex(new RegExp(`^${escapeRegExp(provider)}\\.`)),
		provider: z.literal(provider),
		data: EmptyDataSchema,
	});
}

/** The provider whose passthrough types `type` belongs to, or null. Canonical types are never passthrough. */
export function passthroughProviderOf(type: string): ProviderId | null {
	if (Object.hasOwn(CANONICAL_TYPES, type)) return null;
	return PROVIDER_IDS.find((p) => type.startsWith(`${p}.`)) ?? null;
}

export type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema draft 2020-12, describing what the gateway outputs. */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
	return z.toJSONSchema(schema, { target: "draft-2020-12", io: "output" }) as JsonSchema;
}

/**
 * The published schema for a type a subscriber receives, with `$id` under `baseUrl` (the gateway's
 * origin): a canonical type's own, or its provider's passthrough schema. Null for any other type.
 */
export function publishedSchema(type: string, baseUrl: string): JsonSchema | null {
	if (Object.hasOwn(EVENT_TYPES, type)) {
		const name = type as CanonicalType;
		return withId(jsonSchemaOf(canonicalEnvelopeSchema(name)), baseUrl, name, EVENT_TYPES[name].description);
	}
	const provider = passthroughProviderOf(type);
	if (!provider) return null;
	return withId(
		jsonSchemaOf(passthroughEnvelopeSchema(provider)),
		baseUrl,
		passthroughSchemaName(provider),
		passthroughDescription(provider),
	);
}

/** The URL of a type's published schema. */
export function schemaUrl(baseUrl: string, name: string): string {
	return `${baseUrl}/schemas/${name}.json`;
}

function withId(schema: JsonSchema, baseUrl: string, name: string, description: string): JsonSchema {
	const { $schema, ...rest } = schema;
	return { $schema, $id: schemaUrl(baseUrl, name), title: name, description, ...rest };
}

/** What a provider's passthrough types are. */
export function passthroughDescription(provider: ProviderId): string {
	return `An event from ${provider} that no canonical type fits: \`type\` is \`${passthroughPattern(provider)}\`, \`data\` is empty and the provider's payload is in \`raw\`.`;
}

/** Every schema name under /schemas/: the canonical types, then one passthrough schema per provider. */
export function schemaNames(): string[] {
	return [...EVENT_TYPE_NAMES, ...PROVIDER_IDS.map(passthroughSchemaName)];
}
