/**
 * The event catalog, the published schemas and the OpenAPI `webhooks` section; and the promise they
 * make: every envelope the gateway stores (and so delivers) validates against its published schema,
 * and each type's `providers` are exactly the providers whose samples normalize to it.
 */
import { env, SELF } from "cloudflare:test";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { CATALOG_PROVIDERS, PROVIDER_IDS, type ProviderId } from "../../src/providers";
import type { Catalog } from "../../src/routes/api/event-types";
import { EVENT_TYPE_NAMES, passthroughProviderOf, schemaNames } from "../../src/schema/catalog";
import type { Envelope } from "../../src/schema/envelope";
import { OPERATIONAL_TYPE_NAMES } from "../../src/schema/operational";
import { ingestOk } from "../support/ingest";
import { SAMPLES } from "../support/samples";
import { seedSource } from "../support/sources";
import { as, newTenant } from "./client";

const ORIGIN = "https://hookfan.test";

async function getJson<T>(path: string): Promise<{ status: number; headers: Headers; body: T }> {
	const res = await SELF.fetch(`${ORIGIN}${path}`);
	return { status: res.status, headers: res.headers, body: (await res.json()) as T };
}

/** Compiles the published schema of each type once, fetched from the gateway as a subscriber would. */
function validators() {
	const ajv = new Ajv2020({ strict: true, allErrors: true });
	addFormats(ajv);
	const byUrl = new Map<string, ValidateFunction>();
	return async (type: string): Promise<ValidateFunction> => {
		const res = await getJson<{ $id: string }>(`/schemas/${type}.json`);
		expect(res.status, type).toBe(200);
		const known = byUrl.get(res.body.$id);
		if (known) return known;
		const validate = ajv.compile(res.body);
		byUrl.set(res.body.$id, validate);
		return validate;
	};
}

describe("GET /v1/event-types", () => {
	it("answers without a key: every canonical type with its providers, data schema and example", async () => {
		const res = await getJson<Catalog>("/v1/event-types");
		expect(res.status).toBe(200);
		expect(res.body.data.map((t) => t.type)).toEqual(EVENT_TYPE_NAMES);
		const received = res.body.data.find((t) => t.type === "message.received");
		expect(received?.providers).toContain("telerivet");
		expect(received?.schema_url).toBe(`${ORIGIN}/schemas/message.received.json`);
		expect(received?.data_schema).toMatchObject({ type: "object", required: expect.arrayContaining(["text"]) });
		expect(received?.example.type).toBe("message.received");
	});

	it("lists a passthrough pattern for every provider", async () => {
		const { body } = await getJson<Catalog>("/v1/event-types");
		expect(body.passthrough.map((p) => p.pattern)).toEqual(PROVIDER_IDS.map((p) => `${p}.<provider_type>`));
	});

	it("gives examples that validate against their published schemas", async () => {
		const { body } = await getJson<Catalog>("/v1/event-types");
		const validatorOf = validators();
		for (const entry of body.data) {
			const validate = await validatorOf(entry.type);
			expect(validate(entry.example), `${entry.type}: ${JSON.stringify(validate.errors)}`).toBe(true);
		}
	});
});

describe("hookfan's operational types in the catalog", () => {
	it("lists each with its data schema and an example that validates against its published schema", async () => {
		const { body } = await getJson<Catalog>("/v1/event-types");
		expect(body.operational.map((t) => t.type)).toEqual(OPERATIONAL_TYPE_NAMES);
		const validatorOf = validators();
		for (const entry of body.operational) {
			expect(entry.schema_url).toBe(`${ORIGIN}/schemas/${entry.type}.json`);
			expect(entry.data_schema).toMatchObject({ type: "object" });
			const validate = await validatorOf(entry.type);
			expect(validate(entry.example), `${entry.type}: ${JSON.stringify(validate.errors)}`).toBe(true);
		}
	});

	it("publishes schemas that the envelopes hookfan appends validate against", async () => {
		const tenant = await newTenant("ops-schema");
		const api = as(tenant.key);
		// Someone has to listen: hookfan appends no operational event that no subscription would receive.
		await api("POST", "/v1/subscriptions", { type: "polling", event_types: ["hookfan.*"] });
		await env.TENANT.getByName(tenant.id).sourceRejecting("vb", { rejected: 50, accepted: 1, window_seconds: 60 });
		const listed = await api<{ data: { id: string }[] }>("GET", "/v1/events?type=hookfan.source.rejecting");
		const detail = await api<{ envelope: Envelope }>("GET", `/v1/events/${listed.body.data[0]?.id}`);
		const validate = await validators()("hookfan.source.rejecting");
		expect(validate(detail.body.envelope), JSON.stringify(validate.errors)).toBe(true);
		expect(detail.body.envelope).toMatchObject({ source: "hookfan", provider: "hookfan", raw: null });
	});
});

describe("GET /schemas/{type}.json", () => {
	it("serves a canonical type's envelope schema with its $id and data narrowed", async () => {
		const res = await getJson<Record<string, unknown>>("/schemas/call.hangup.json");
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("application/schema+json");
		expect(res.body).toMatchObject({
			$schema: "https://json-schema.org/draft/2020-12/schema",
			$id: `${ORIGIN}/schemas/call.hangup.json`,
			properties: {
				type: { const: "call.hangup" },
				provider: { enum: ["voipbin", "standardwebhooks"] },
				provider_type: { description: expect.stringContaining("provider's own name") },
				data: { required: expect.arrayContaining(["hangup_reason"]) },
			},
		});
	});

	it("serves every schema it publishes, each under its own $id, and each compiles", async () => {
		const ajv = new Ajv2020({ strict: true });
		addFormats(ajv);
		for (const name of schemaNames(CATALOG_PROVIDERS)) {
			const res = await getJson<{ $id: string }>(`/schemas/${name}.json`);
			expect(res.status, name).toBe(200);
			expect(res.body.$id).toBe(`${ORIGIN}/schemas/${name}.json`);
			ajv.compile(res.body);
		}
	});

	it("resolves any passthrough type to its provider's passthrough schema", async () => {
		const res = await getJson<Record<string, unknown>>("/schemas/voipbin.agent_created.json");
		expect(res.status).toBe(200);
		expect(res.body.$id).toBe(`${ORIGIN}/schemas/voipbin.passthrough.json`);
	});

	it("answers 404 problem for a type no one emits", async () => {
		const res = await SELF.fetch(`${ORIGIN}/schemas/invoice.paid.json`);
		expect(res.status).toBe(404);
		expect(res.headers.get("content-type")).toBe("application/problem+json");
	});
});

describe("/openapi.json webhooks", () => {
	it("has one webhook per envelope type, with the Standard Webhooks headers", async () => {
		const { body } = await getJson<{ webhooks: Record<string, { post: Record<string, unknown> }> }>("/openapi.json");
		expect(Object.keys(body.webhooks)).toEqual([
			...EVENT_TYPE_NAMES,
			...PROVIDER_IDS.map((p) => `${p}.<provider_type>`),
			...OPERATIONAL_TYPE_NAMES,
		]);
		const op = body.webhooks["message.received"]?.post as {
			parameters: { name: string; in: string; required: boolean }[];
			requestBody: { content: { "application/json": { schema: { properties: Record<string, unknown> } } } };
		};
		expect(op.parameters.map((p) => [p.in, p.name, p.required])).toEqual([
			["header", "webhook-id", true],
			["header", "webhook-timestamp", true],
			["header", "webhook-signature", true],
		]);
		expect(op.requestBody.content["application/json"].schema.properties.type).toMatchObject({
			const: "message.received",
		});
	});
});

describe("every provider's samples, ingested through the real route", () => {
	it("store envelopes that validate against their published schemas, from exactly the catalog's providers", async () => {
		const tenant = await newTenant("catalog");
		const api = as(tenant.key);
		const validatorOf = validators();
		const seen = new Map<string, Set<ProviderId>>();
		for (const provider of PROVIDER_IDS) {
			await seedSource(tenant.id, provider, SAMPLES[provider].source);
			for (const req of await SAMPLES[provider].requests()) {
				const accepted = await ingestOk(tenant.id, provider, req);
				expect(accepted.duplicate, `${provider}: ${req.body}`).toBe(false);
				const { body } = await api<{ envelope: Envelope }>("GET", `/v1/events/${accepted.id}`);
				const { envelope } = body;
				const validate = await validatorOf(envelope.type);
				expect(validate(envelope), `${envelope.type}: ${JSON.stringify(validate.errors)}`).toBe(true);
				const key = passthroughProviderOf(envelope.type, PROVIDER_IDS) ? `${provider}.<provider_type>` : envelope.type;
				seen.set(key, (seen.get(key) ?? new Set()).add(envelope.provider as ProviderId));
			}
		}
		const emitters = (key: string) => [...(seen.get(key) ?? [])].sort();
		// One comparison of the whole table, so a failure lists every type that drifted.
		const observed = Object.fromEntries(EVENT_TYPE_NAMES.map((type) => [type, emitters(type)]));
		const catalogued = Object.fromEntries(
			EVENT_TYPE_NAMES.map((type) => [type, [...CATALOG_PROVIDERS.emitters(type)].sort()]),
		);
		expect(observed).toEqual(catalogued);
		for (const provider of PROVIDER_IDS) expect(emitters(`${provider}.<provider_type>`)).toEqual([provider]);
	});
});
