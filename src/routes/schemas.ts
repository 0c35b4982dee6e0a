/**
 * The published envelope schemas: `GET /schemas/{type}.json` (public, JSON Schema draft 2020-12,
 * `$id` under this gateway's origin) and the OpenAPI 3.1 `webhooks` section, both generated from the
 * zod schemas by src/schema/catalog.ts. A passthrough type (`voipbin.agent_created`) resolves to its
 * provider's passthrough schema, so a subscriber can fetch the schema of any `type` it receives.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "@hono/zod-openapi";
import { notFound } from "../problem";
import { CATALOG_PROVIDERS } from "../providers";
import {
	canonicalEnvelopeSchema,
	EVENT_TYPE_NAMES,
	EVENT_TYPES,
	jsonSchemaOf,
	operationalEnvelopeSchema,
	passthroughDescription,
	passthroughEnvelopeSchema,
	passthroughPattern,
	passthroughSchemaName,
	publishedSchema,
} from "../schema/catalog";
import { exampleEnvelope } from "../schema/catalog-examples";
import { OPERATIONAL_TYPE_NAMES, OPERATIONAL_TYPES } from "../schema/operational";
import type { AppEnv } from "./api/common";
import { exampleOperationalEnvelope } from "./api/event-types";

/** The headers every delivery carries (https://www.standardwebhooks.com). */
const DeliveryHeadersSchema = z.object({
	"webhook-id": z.string().openapi({ description: "The event id (`evt_...`): the same on every retry; dedupe on it" }),
	"webhook-timestamp": z.string().openapi({ description: "Unix seconds when this attempt was signed" }),
	"webhook-signature": z.string().openapi({
		description:
			"`v1,<base64 HMAC-SHA256>` of `{webhook-id}.{webhook-timestamp}.{body}` with the subscription's `whsec_` secret; space-separated while a rotated secret still signs",
	}),
});

const DELIVERY_RESPONSES = {
	200: { description: "Any 2xx acknowledges the delivery" },
	default: { description: "Anything else (or no answer in time) is retried on the subscription's retry schedule" },
};

/** Adds one OpenAPI webhook per envelope type: the canonical types, then each provider's passthrough types. */
export function registerWebhooks(app: OpenAPIHono<AppEnv>): void {
	const deliver = (name: string, schemaName: string, description: string, schema: Record<string, unknown>) =>
		app.openAPIRegistry.registerWebhook({
			method: "post",
			path: name,
			tags: ["Deliveries"],
			summary: name,
			description: `${description} Its JSON Schema: \`/schemas/${schemaName}.json\`.`,
			request: {
				headers: DeliveryHeadersSchema,
				body: { required: true, content: { "application/json": { schema } } },
			},
			responses: DELIVERY_RESPONSES,
		});
	for (const type of EVENT_TYPE_NAMES) {
		const example = exampleEnvelope(type, CATALOG_PROVIDERS.emitters(type)[0]);
		const schema = { ...jsonSchemaOf(canonicalEnvelopeSchema(type, CATALOG_PROVIDERS)), examples: [example] };
		deliver(type, type, EVENT_TYPES[type].description, schema);
	}
	for (const provider of CATALOG_PROVIDERS.ids) {
		const pattern = passthroughPattern(provider);
		deliver(
			pattern,
			passthroughSchemaName(provider),
			passthroughDescription(provider),
			jsonSchemaOf(passthroughEnvelopeSchema(provider)),
		);
	}
	for (const type of OPERATIONAL_TYPE_NAMES) {
		const schema = { ...jsonSchemaOf(operationalEnvelopeSchema(type)), examples: [exampleOperationalEnvelope(type)] };
		deliver(
			type,
			type,
			`${OPERATIONAL_TYPES[type].description} Only to subscriptions whose event_types name it.`,
			schema,
		);
	}
}

/** Serves `/schemas/{type}.json` and documents it. */
export function mountSchemas(app: OpenAPIHono<AppEnv>): void {
	app.openAPIRegistry.registerPath({
		method: "get",
		path: "/schemas/{type}.json",
		tags: ["Event types"],
		summary: "The JSON Schema (draft 2020-12) of the envelope a subscriber receives for `type` (public)",
		description:
			"A canonical type's schema, or for `<provider>.<provider_type>` its provider's passthrough schema. `$id` is this URL (for a passthrough type, `/schemas/<provider>.passthrough.json`).",
		request: { params: z.object({ type: z.string().openapi({ example: "message.received" }) }) },
		responses: {
			200: {
				description: "The schema",
				content: { "application/schema+json": { schema: z.record(z.string(), z.unknown()) } },
			},
			404: { description: "No envelope type by that name" },
		},
	});
	app.get("/schemas/:file{.+\\.json}", (c) => {
		const type = c.req.param("file").slice(0, -".json".length);
		const schema = publishedSchema(type, new URL(c.req.url).origin, CATALOG_PROVIDERS);
		if (!schema) throw notFound();
		return c.body(JSON.stringify(schema), 200, {
			"content-type": "application/schema+json",
			"cache-control": "public, max-age=300",
		});
	});
}
