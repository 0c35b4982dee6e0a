import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { admin, as, call, newTenant } from "./client";

describe("admin: tenants and keys", () => {
	it("creates a tenant with a working API key, shown once", async () => {
		const tenant = await newTenant();
		expect(tenant.key).toMatch(/^hf_[A-Za-z0-9_-]{43}$/);
		expect((await as(tenant.key)("GET", "/v1/sources")).status).toBe(200);
		const got = await admin<{ keys: { id: string; prefix: string }[] }>("GET", `/v1/tenants/${tenant.id}`);
		expect(got.status).toBe(200);
		expect(got.body.keys).toEqual([expect.objectContaining({ id: tenant.keyId, prefix: tenant.key.slice(0, 7) })]);
		expect(got.text).not.toContain(tenant.key);
	});

	it("refuses a second tenant with the same id (409) and a bad id (422)", async () => {
		const tenant = await newTenant();
		expect((await admin("POST", "/v1/tenants", { id: tenant.id })).body).toMatchObject({
			status: 409,
			code: "tenant_exists",
		});
		const bad = await admin("POST", "/v1/tenants", { id: "Not A Slug" });
		expect(bad.status).toBe(422);
		expect(bad.headers.get("content-type")).toBe("application/problem+json");
		expect(bad.body).toMatchObject({ code: "validation_failed", issues: expect.any(Array) });
	});

	it("issues more keys; old keys work until revoked", async () => {
		const tenant = await newTenant();
		const second = await admin<{ id: string; api_key: string }>("POST", `/v1/tenants/${tenant.id}/keys`);
		expect(second.status).toBe(201);
		expect((await as(second.body.api_key)("GET", "/v1/sources")).status).toBe(200);
		expect((await as(tenant.key)("GET", "/v1/sources")).status).toBe(200);
		expect((await admin("DELETE", `/v1/tenants/${tenant.id}/keys/${tenant.keyId}`)).status).toBe(204);
		expect((await as(tenant.key)("GET", "/v1/sources")).status).toBe(401);
		expect((await as(second.body.api_key)("GET", "/v1/sources")).status).toBe(200);
	});

	it("deletes a tenant with its keys, sources and log", async () => {
		const tenant = await newTenant();
		await as(tenant.key)("PUT", "/v1/sources/rp", { provider: "rapidpro", secret: "tok" });
		await env.TENANT.getByName(tenant.id).append({
			envelope: {
				id: "evt_01M8477B2KQPE16NZM6WX3TWS8",
				type: "x.y",
				tenant: tenant.id,
				source: "rp",
				provider: "rapidpro",
				provider_type: "y",
				occurred_at: null,
				received_at: new Date().toISOString(),
				data: {},
				raw: {},
			},
			dedupe_key: "k",
		});
		expect((await admin("DELETE", `/v1/tenants/${tenant.id}`)).status).toBe(204);
		expect((await as(tenant.key)("GET", "/v1/sources")).status).toBe(401);
		expect((await admin("GET", `/v1/tenants/${tenant.id}`)).status).toBe(404);
		expect(await env.CONFIG.get(`source:${tenant.id}:rp`)).toBeNull();
		expect((await env.TENANT.getByName(tenant.id).stats()).events).toBe(0);
		const ingest = await call(null, "POST", `/in/${tenant.id}/rp?token=tok`, {});
		expect(ingest.status).toBe(404);
	});

	it("answers 404 for unknown tenants and keys", async () => {
		expect((await admin("GET", "/v1/tenants/nobody-here")).status).toBe(404);
		expect((await admin("DELETE", "/v1/tenants/nobody-here")).status).toBe(404);
		const tenant = await newTenant();
		expect((await admin("DELETE", `/v1/tenants/${tenant.id}/keys/key_nope`)).status).toBe(404);
	});
});

describe("admin: authentication", () => {
	it("rejects a missing or wrong admin token, and a tenant key, with 401", async () => {
		const tenant = await newTenant();
		for (const token of [null, "wrong", tenant.key]) {
			const res = await call(token, "POST", "/v1/tenants", { id: "x-never" });
			expect(res.status).toBe(401);
			expect(res.body).toMatchObject({ code: "unauthorized" });
		}
		expect((await admin("GET", "/v1/tenants/x-never")).status).toBe(404);
	});

	it("answers 503 with instructions when ADMIN_TOKEN is not set", async () => {
		const { ADMIN_TOKEN: _unset, ...withoutToken } = env;
		const res = await worker.fetch(
			new Request("https://hookfan.test/v1/tenants", { method: "POST", headers: { authorization: "Bearer x" } }),
			withoutToken as Env,
			{ waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext,
		);
		expect(res.status).toBe(503);
		expect(await res.json()).toMatchObject({
			code: "admin_token_unset",
			detail: expect.stringContaining("ADMIN_TOKEN"),
		});
	});
});
