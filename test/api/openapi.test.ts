import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

const ROUTES = [
	"post /v1/tenants",
	"get /v1/tenants/{id}",
	"delete /v1/tenants/{id}",
	"post /v1/tenants/{id}/keys",
	"delete /v1/tenants/{id}/keys/{key_id}",
	"put /v1/sources/{source}",
	"get /v1/sources",
	"get /v1/sources/{source}",
	"get /v1/sources/{source}/rejections",
	"delete /v1/sources/{source}",
	"post /v1/subscriptions",
	"get /v1/subscriptions",
	"get /v1/subscriptions/{id}",
	"patch /v1/subscriptions/{id}",
	"delete /v1/subscriptions/{id}",
	"post /v1/subscriptions/{id}/rotate-secret",
	"post /v1/subscriptions/{id}/pause",
	"post /v1/subscriptions/{id}/resume",
	"post /v1/subscriptions/{id}/replay",
	"get /v1/subscriptions/{id}/attempts",
	"get /v1/subscriptions/{id}/poll",
	"get /v1/events",
	"get /v1/events/{id}",
	"post /v1/events/{id}/redeliver",
	"get /v1/stats",
	"post /in/{tenant}/{source}",
	"get /v1/event-types",
	"get /schemas/{type}.json",
];

/** Routes that describe the gateway itself, not a tenant's data: no key needed. */
const PUBLIC = ["get /v1/event-types", "get /schemas/{type}.json"];

type Operation = {
	requestBody?: { content: Record<string, { schema: unknown }> };
	responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
	security?: unknown[];
};

describe("/openapi.json", () => {
	// Validity against the OpenAPI 3.1 schema is checked in Node (test/e2e/openapi.test.ts): the
	// validator package reads its schemas from disk, which workerd cannot.

	it("lists every route with its request and response schemas and error responses", async () => {
		const doc = (await (await SELF.fetch("https://hookfan.test/openapi.json")).json()) as {
			paths: Record<string, Record<string, Operation>>;
		};
		const listed = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
		expect(listed.sort()).toEqual([...ROUTES].sort());
		for (const route of ROUTES.filter((r) => r.includes("/v1/") && !PUBLIC.includes(r))) {
			const [method = "", path = ""] = route.split(" ");
			const op = doc.paths[path]?.[method] as Operation;
			const success = Object.entries(op.responses).filter(([s]) => s.startsWith("2"));
			expect(success.length, route).toBeGreaterThan(0);
			const errors = Object.entries(op.responses).filter(([s]) => /^[45]/.test(s));
			expect(
				errors.map(([s]) => s),
				route,
			).toContain("401");
			for (const [, response] of errors)
				expect(response.content?.["application/problem+json"]?.schema, route).toBeDefined();
			if (
				["post", "put", "patch"].includes(method) &&
				!route.endsWith("/keys") &&
				!/(pause|resume|rotate-secret)$/.test(route)
			) {
				expect(op.requestBody?.content["application/json"]?.schema, route).toBeDefined();
			}
			expect(op.security, route).toBeDefined();
		}
		for (const route of PUBLIC) {
			const [method = "", path = ""] = route.split(" ");
			expect(doc.paths[path]?.[method]?.security ?? [], route).toEqual([]);
		}
	});
});

describe("/openapi.json delivery state", () => {
	it("documents every delivery state, and next_attempt_at and waiting_for_sequence on a delivery", async () => {
		const doc = (await (await SELF.fetch("https://hookfan.test/openapi.json")).json()) as {
			components: { schemas: Record<string, { enum?: string[]; properties?: Record<string, unknown> }> };
		};
		expect(doc.components.schemas.DeliveryState?.enum).toEqual([
			"delivered",
			"failed",
			"retrying",
			"waiting",
			"held",
			"queued",
			"in_flight",
		]);
		expect(Object.keys(doc.components.schemas.Delivery?.properties ?? {})).toEqual(
			expect.arrayContaining(["state", "next_attempt_at", "waiting_for_sequence"]),
		);
	});
});

describe("/docs", () => {
	it("serves the reference page, which loads its script from this Worker, not a CDN", async () => {
		const res = await SELF.fetch("https://hookfan.test/docs");
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).toContain('data-url="/openapi.json"');
		const scripts = [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1]);
		expect(scripts).toEqual(["/vendor/scalar/standalone.js"]);
	});
});
