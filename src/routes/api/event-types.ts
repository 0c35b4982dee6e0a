/**
 * Public route: the event catalog, `GET /v1/event-types`. It describes the gateway, not a tenant's
 * data (the same for every tenant, and already in /openapi.json), so it needs no key: a subscriber's
 * developer can read it before they have one.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { CATALOG_PROVIDERS, PROVIDER_IDS, type ProviderId, ProviderIdSchema } from "../../providers";
import {
	EVENT_TYPE_NAMES,
	EVENT_TYPES,
	jsonSchemaOf,
	passthroughDescription,
	passthroughPattern,
	passthroughSchemaName,
	schemaUrl,
} from "../../schema/catalog";
import { exampleEnvelope } from "../../schema/catalog-examples";
import { CANONICAL_TYPES, DATA_SCHEMAS, EnvelopeSchema } from "../../schema/envelope";
import {
	exampleOperationalData,
	OPERATIONAL_TYPE_NAMES,
	OPERATIONAL_TYPES,
	type OperationalType,
	operationalEnvelope,
} from "../../schema/operational";
import { apiApp, json } from "./common";

const EventTypeSchema = z
	.object({
		type: z.string().openapi({ example: "message.received" }),
		resource: z.string().openapi({ description: "The resource whose `data` shape the type carries" }),
		description: z.string(),
		providers: z.array(ProviderIdSchema).openapi({ description: "The providers whose events normalize to it" }),
		schema_url: z.string().openapi({ description: "The whole envelope's JSON Schema (draft 2020-12)" }),
		data_schema: z.record(z.string(), z.unknown()).openapi({ description: "JSON Schema of `data`" }),
		example: EnvelopeSchema.openapi("Envelope"),
	})
	.openapi("EventType");

const PassthroughSchema = z
	.object({
		pattern: z.string().openapi({ example: "rapidpro.<provider_type>" }),
		provider: ProviderIdSchema,
		description: z.string(),
		schema_url: z.string(),
	})
	.openapi("PassthroughEventType");

const OperationalEventTypeSchema = z
	.object({
		type: z.string().openapi({ example: "hookfan.subscription.disabled" }),
		description: z.string(),
		schema_url: z.string(),
		data_schema: z.record(z.string(), z.unknown()).openapi({ description: "JSON Schema of `data`" }),
		example: EnvelopeSchema.openapi("Envelope"),
	})
	.openapi("OperationalEventType");

const CatalogSchema = z
	.object({
		data: z.array(EventTypeSchema),
		passthrough: z.array(PassthroughSchema),
		operational: z.array(OperationalEventTypeSchema).openapi({
			description:
				"What hookfan itself reports (provider and source `hookfan`): only to subscriptions whose event_types name them (`hookfan.*`); `*` alone does not match them",
		}),
	})
	.openapi("EventCatalog");
export type Catalog = z.infer<typeof CatalogSchema>;

/** The catalog with its schema URLs under `baseUrl`. */
export function catalog(baseUrl: string): Catalog {
	return {
		data: EVENT_TYPE_NAMES.map((type) => ({
			type,
			resource: CANONICAL_TYPES[type],
			description: EVENT_TYPES[type].description,
			providers: [...CATALOG_PROVIDERS.emitters(type)] as ProviderId[],
			schema_url: schemaUrl(baseUrl, type),
			data_schema: jsonSchemaOf(DATA_SCHEMAS[CANONICAL_TYPES[type]]),
			example: exampleEnvelope(type, CATALOG_PROVIDERS.emitters(type)[0]),
		})),
		passthrough: PROVIDER_IDS.map((provider) => ({
			pattern: passthroughPattern(provider),
			provider,
			description: passthroughDescription(provider),
			schema_url: schemaUrl(baseUrl, passthroughSchemaName(provider)),
		})),
		operational: OPERATIONAL_TYPE_NAMES.map((type) => ({
			type,
			description: OPERATIONAL_TYPES[type].description,
			schema_url: schemaUrl(baseUrl, type),
			data_schema: jsonSchemaOf(OPERATIONAL_TYPES[type].data),
			example: exampleOperationalEnvelope(type),
		})),
	};
}

/** An example envelope of an operational type, as a `hookfan.*` subscriber receives it. */
export function exampleOperationalEnvelope(type: OperationalType) {
	const pending = operationalEnvelope(
		type,
		exampleOperationalData(type),
		"acme",
		"evt_01JD8X3Q9Z4M6N7P8R9S0T1V2W",
		Date.parse("2026-11-20T10:00:05.412Z"),
	);
	return { ...pending, sequence: 43 };
}

export const eventTypes = apiApp();

eventTypes.openapi(
	createRoute({
		method: "get",
		path: "/v1/event-types",
		tags: ["Event types"],
		summary: "The event catalog: every envelope type, who emits it, its schema and an example (public)",
		security: [],
		responses: { 200: json(CatalogSchema, "Every canonical type, then the passthrough patterns") },
	}),
	(c) => c.json(catalog(new URL(c.req.url).origin), 200, { "cache-control": "public, max-age=300" }),
);
