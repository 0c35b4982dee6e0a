/**
 * The event catalog: every envelope type a subscriber can receive, what it means, which providers
 * emit it, and its JSON Schema. The schemas are generated from the zod schemas in ./envelope (with
 * zod's `z.toJSONSchema`), so the catalog, `/schemas/{type}.json` and the OpenAPI `webhooks` section
 * cannot disagree with what the gateway validates. Meanings follow docs/events.md.
 */
import { z } from "zod";
import { CANONICAL_TYPES, type CanonicalType, DATA_SCHEMAS, EmptyDataSchema, EnvelopeSchema } from "./envelope.ts"; // with its extension: hookfan/subscriber loads this file under Node's type stripping
import {
	isOperationalType,
	OPERATIONAL_SOURCE,
	OPERATIONAL_TYPE_NAMES,
	OPERATIONAL_TYPES,
	type OperationalType,
} from "./operational.ts";

/** The `data` a canonical type carries. */
export type DataOf<T extends CanonicalType> = z.infer<(typeof DATA_SCHEMAS)[(typeof CANONICAL_TYPES)[T]]>;

export interface EventTypeInfo {
	/** What happened, in one or two sentences. */
	readonly description: string;
}

/**
 * What the catalog knows of the providers, handed in by its caller from the registry
 * (src/providers.ts, `CATALOG_PROVIDERS`): this module names none, so hookfan/subscriber can load it
 * without the registry. test/api/event-types.test.ts ingests every provider's samples and fails when
 * `emitters` and what the normalizers produce disagree.
 */
export interface CatalogProviders {
	/** Every provider id, in registry order. */
	readonly ids: readonly string[];
	/** The providers whose events normalize to `type` (never empty: Standard Webhooks relays every type). */
	emitters(type: CanonicalType): readonly [string, ...string[]];
}

/** One entry per canonical type: its meaning. */
export const EVENT_TYPES = {
	"message.received": {
		description: "A contact sent a message to the tenant (inbound).",
	},
	"message.sent": {
		description:
			"The tenant's side sent a message to a contact (outbound): a flow's reply, a campaign message or an agent's. For RapidPro it means the engine created it, not that it was delivered.",
	},
	"message.failed": {
		description:
			"An outbound message will not reach the contact: unsendable, rejected by the carrier or the provider, or excluded from a campaign. `error` says why.",
	},
	"message.status_changed": {
		description: "An outbound message's delivery status changed (`status`: queued, sent, delivered, read, ...).",
	},
	"message.updated": {
		description: "A message in a conversation changed, such as its delivery status; `error` when delivery failed.",
	},
	"conversation.created": {
		description: "A conversation was opened.",
	},
	"conversation.updated": {
		description: "A conversation's attributes changed; which ones is in `raw`.",
	},
	"conversation.status_changed": {
		description: "A conversation's status changed (open, resolved, pending, snoozed).",
	},
	"contact.created": {
		description: "A contact was created.",
	},
	"contact.updated": {
		description:
			"A contact changed: name, URNs, fields, groups, language or timezone. `data` has what the envelope can hold; the change itself is in `raw`.",
	},
	"contact.unsubscribed": {
		description: "A contact opted out of messages (replied STOP, say).",
	},
	"call.created": {
		description: "A call was created, before it rings.",
	},
	"call.ringing": {
		description: "A call is ringing.",
	},
	"call.answered": {
		description: "A call was answered: it is up.",
	},
	"call.updated": {
		description: "A call changed state otherwise (dialing, terminating, canceling, deleted); `status` says which.",
	},
	"call.hangup": {
		description: "A call ended; `hangup_reason` says why when the provider does.",
	},
} as const satisfies Record<CanonicalType, EventTypeInfo>;

/** The canonical types, in catalog order. */
export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as CanonicalType[];

/** The pattern of the types a provider's events get when no canonical type fits. */
export function passthroughPattern(provider: string): string {
	return `${provider}.<provider_type>`;
}

/** The file name under /schemas/ of a provider's passthrough schema (itself a passthrough type). */
export function passthroughSchemaName(provider: string): string {
	return `${provider}.passthrough`;
}

/** The envelope of one canonical type: `type` fixed, `provider` one of its emitters, `data` typed. */
export function canonicalEnvelopeSchema(type: CanonicalType, providers: CatalogProviders) {
	return EnvelopeSchema.extend({
		type: z.literal(type),
		provider: z.enum(providers.emitters(type)),
		data: DATA_SCHEMAS[CANONICAL_TYPES[type]],
	});
}

/** The envelope of an operational type: hookfan is its provider and source, `data` typed, `raw` null. */
export function operationalEnvelopeSchema(type: OperationalType) {
	return EnvelopeSchema.extend({
		type: z.literal(type),
		source: z.literal(OPERATIONAL_SOURCE),
		provider: z.literal(OPERATIONAL_SOURCE),
		provider_type: z.literal(type),
		data: OPERATIONAL_TYPES[type].data,
		raw: z.null(),
	});
}

function escapeRegExp(s: string): string {
	return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The envelope of a provider's passthrough types: `<provider>.<provider_type>`, `data` empty, all in `raw`. */
export function passthroughEnvelopeSchema(provider: string) {
	return EnvelopeSchema.extend({
		type: z.string().regex(new RegExp(`^${escapeRegExp(provider)}\\.`)),
		provider: z.literal(provider),
		data: EmptyDataSchema,
	});
}

/** The provider (of `ids`) whose passthrough types `type` belongs to, or null. Canonical types are never passthrough. */
export function passthroughProviderOf(type: string, ids: readonly string[]): string | null {
	if (Object.hasOwn(CANONICAL_TYPES, type)) return null;
	return ids.find((p) => type.startsWith(`${p}.`)) ?? null;
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
export function publishedSchema(type: string, baseUrl: string, providers: CatalogProviders): JsonSchema | null {
	if (isOperationalType(type)) {
		return withId(jsonSchemaOf(operationalEnvelopeSchema(type)), baseUrl, type, OPERATIONAL_TYPES[type].description);
	}
	if (Object.hasOwn(EVENT_TYPES, type)) {
		const name = type as CanonicalType;
		const schema = jsonSchemaOf(canonicalEnvelopeSchema(name, providers));
		return withId(schema, baseUrl, name, EVENT_TYPES[name].description);
	}
	const provider = passthroughProviderOf(type, providers.ids);
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
export function passthroughDescription(provider: string): string {
	return `An event from ${provider} that no canonical type fits: \`type\` is \`${passthroughPattern(provider)}\`, \`data\` is empty and the provider's payload is in \`raw\`.`;
}

/** Every schema name under /schemas/: the canonical types, one passthrough schema per provider, the operational types. */
export function schemaNames(providers: CatalogProviders): string[] {
	return [...EVENT_TYPE_NAMES, ...providers.ids.map(passthroughSchemaName), ...OPERATIONAL_TYPE_NAMES];
}
