import { describe, expect, it } from "vitest";
import { as, call, newTenant } from "./client";

type SourceView = { id: string; provider: string; ingest_url: string; secret?: string };

describe("sources", () => {
	it("creates a source with a generated secret that ingest then accepts", async () => {
		const { id, key } = await newTenant();
		const api = as(key);
		const created = await api<SourceView>("PUT", "/v1/sources/rp-main", { provider: "rapidpro" });
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({
			id: "rp-main",
			provider: "rapidpro",
			verification: "token",
			ingest_url: `https://hookfan.test/in/${id}/rp-main`,
			secret: expect.stringMatching(/^[0-9a-f]{64}$/),
		});
		const ingest = await call(null, "POST", `/in/${id}/rp-main?token=${created.body.secret}`, {
			type: "msg_received",
			msg: { uuid: "m1", text: "hi" },
		});
		expect(ingest.status).toBe(200);
	});

	it("applies a changed secret to the very next ingest, despite ingest's config cache", async () => {
		const { id, key } = await newTenant();
		const api = as(key);
		await api("PUT", "/v1/sources/rp", { provider: "rapidpro", secret: "old-token" });
		const post = (token: string, n: number) =>
			call(null, "POST", `/in/${id}/rp?token=${token}`, { type: "msg_received", msg: { uuid: `m${n}` } });
		expect((await post("old-token", 1)).status).toBe(200); // now cached
		await api("PUT", "/v1/sources/rp", { provider: "rapidpro", secret: "new-token" });
		expect((await post("old-token", 2)).status).toBe(401);
		expect((await post("new-token", 3)).status).toBe(200);
		await api("DELETE", "/v1/sources/rp");
		expect((await post("new-token", 4)).status).toBe(404);
	});

	it("replaces a source with 200 and keeps a given secret", async () => {
		const { key } = await newTenant();
		const api = as(key);
		await api("PUT", "/v1/sources/vb", { provider: "voipbin", secret: "copied-from-voipbin" });
		const replaced = await api<SourceView>("PUT", "/v1/sources/vb", {
			provider: "voipbin",
			secret: "mine",
			verification: "token",
		});
		expect(replaced.status).toBe(200);
		expect(replaced.body).toMatchObject({ verification: "token", secret: "mine" });
	});

	it("generates a whsec_ secret for Standard Webhooks sources", async () => {
		const { key } = await newTenant();
		const created = await as(key)<SourceView>("PUT", "/v1/sources/sw", { provider: "standardwebhooks" });
		expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
	});

	it("never shows the secret on GET or list", async () => {
		const { key } = await newTenant();
		const api = as(key);
		const created = await api<SourceView>("PUT", "/v1/sources/cc", { provider: "cloudcontactai", client_id: "1231" });
		const got = await api<SourceView>("GET", "/v1/sources/cc");
		expect(got.body).toMatchObject({ id: "cc", provider: "cloudcontactai", client_id: "1231" });
		expect(got.body.secret).toBeUndefined();
		const list = await api<{ data: SourceView[] }>("GET", "/v1/sources");
		expect(list.body.data.map((s) => s.id)).toEqual(["cc"]);
		for (const text of [got.text, list.text]) expect(text).not.toContain(created.body.secret);
	});

	it("paginates the list with a cursor", async () => {
		const { key } = await newTenant();
		const api = as(key);
		for (const id of ["a", "b", "c"]) await api("PUT", `/v1/sources/${id}`, { provider: "rapidpro" });
		const first = await api<{ data: SourceView[]; next_cursor: string | null }>("GET", "/v1/sources?limit=2");
		expect(first.body.data.map((s) => s.id)).toEqual(["a", "b"]);
		const second = await api<{ data: SourceView[]; next_cursor: string | null }>(
			"GET",
			`/v1/sources?limit=2&cursor=${encodeURIComponent(first.body.next_cursor ?? "")}`,
		);
		expect(second.body).toEqual({ data: [expect.objectContaining({ id: "c" })], next_cursor: null });
	});

	it("deletes a source, after which ingest answers 404", async () => {
		const { id, key } = await newTenant();
		const api = as(key);
		const created = await api<SourceView>("PUT", "/v1/sources/rp", { provider: "rapidpro" });
		expect((await api("DELETE", "/v1/sources/rp")).status).toBe(204);
		expect((await api("GET", "/v1/sources/rp")).status).toBe(404);
		expect((await api("DELETE", "/v1/sources/rp")).status).toBe(404);
		expect((await call(null, "POST", `/in/${id}/rp?token=${created.body.secret}`, { type: "x" })).status).toBe(404);
	});

	it("refuses a VoIPbin or Voxsig signature source without a secret: the provider generates it", async () => {
		const { key } = await newTenant();
		const api = as(key);
		for (const [provider, where] of [
			["voipbin", /VoIPbin generates the webhook secret.*customer/],
			["voxsig", /Chatwoot generates the webhook secret.*Settings → Integrations → Webhooks/],
		] as const) {
			for (const body of [{ provider }, { provider, verification: "signature" }]) {
				const res = await api<{ code: string; detail: string }>("PUT", "/v1/sources/x", body);
				expect(res.status, JSON.stringify(body)).toBe(422);
				expect(res.headers.get("content-type")).toBe("application/problem+json");
				expect(res.body.code).toBe("secret_required");
				expect(res.body.detail).toMatch(where);
			}
		}
		// Nothing was stored.
		expect((await api("GET", "/v1/sources/x")).status).toBe(404);
		// The secret copied from the provider is taken as is.
		const given = await api<SourceView>("PUT", "/v1/sources/vb", { provider: "voipbin", secret: "from-voipbin" });
		expect(given.body.secret).toBe("from-voipbin");
	});

	it("still generates the secret of a token source, whichever provider it is for", async () => {
		const { key } = await newTenant();
		const api = as(key);
		for (const provider of ["voipbin", "voxsig", "cloudcontactai"]) {
			const res = await api<SourceView>("PUT", `/v1/sources/${provider}`, { provider, verification: "token" });
			expect(res.status, provider).toBe(201);
			expect(res.body.secret).toMatch(/^[0-9a-f]{64}$/);
		}
	});

	it("rejects invalid configuration with 422 and the zod issues, changing nothing", async () => {
		const { key } = await newTenant();
		const api = as(key);
		for (const bad of [
			{ provider: "nope" },
			{ provider: "cloudcontactai" }, // client_id is required for the signature proof
			{ provider: "cloudcontactai", verification: "signature" },
			{ provider: "rapidpro", verification: "signature" }, // RapidPro signs nothing
			{ provider: "standardwebhooks", secret: "not-whsec" },
			{ provider: "voxsig", tolerance_seconds: -5 },
		]) {
			const res = await api("PUT", "/v1/sources/x", bad);
			expect(res.status, JSON.stringify(bad)).toBe(422);
			expect(res.body).toMatchObject({ code: "validation_failed", issues: expect.any(Array) });
		}
		expect((await api("GET", "/v1/sources/x")).status).toBe(404);
		expect((await api("PUT", "/v1/sources/Bad_Id", { provider: "rapidpro" })).status).toBe(422);
	});

	it("answers malformed JSON with 400 and a wrong content type with 415, both problem+json", async () => {
		const { key } = await newTenant();
		const { SELF } = await import("cloudflare:test");
		const malformed = await SELF.fetch("https://hookfan.test/v1/sources/x", {
			method: "PUT",
			headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
			body: "{nope",
		});
		expect(malformed.status).toBe(400);
		expect(malformed.headers.get("content-type")).toBe("application/problem+json");
		const wrongType = await SELF.fetch("https://hookfan.test/v1/sources/x", {
			method: "PUT",
			headers: { authorization: `Bearer ${key}`, "content-type": "text/plain" },
			body: "provider=rapidpro",
		});
		expect(wrongType.status).toBe(415);
		expect(wrongType.headers.get("content-type")).toBe("application/problem+json");
	});
});
