/**
 * Security of the tenant API: no key or a wrong key gets 401 everywhere; another tenant's key sees
 * nothing of this tenant (404, never data); secrets appear only in the answers that create them.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MAX_API_BODY_BYTES } from "../../src/problem";
import { as, call, newTenant, populatedTenant } from "./client";

const victim = () => populatedTenant("victim");

/** Every tenant route, with the victim's ids filled in. */
function routes(v: { subId: string; eventId: string }): [string, string, unknown?][] {
	return [
		["GET", "/v1/sources"],
		["GET", "/v1/sources/vb"],
		["PUT", "/v1/sources/vb", { provider: "rapidpro" }],
		["DELETE", "/v1/sources/vb"],
		["GET", "/v1/subscriptions"],
		["POST", "/v1/subscriptions", { url: "http://127.0.0.1:9/x" }],
		["GET", `/v1/subscriptions/${v.subId}`],
		["PATCH", `/v1/subscriptions/${v.subId}`, { description: "mine now" }],
		["DELETE", `/v1/subscriptions/${v.subId}`],
		["POST", `/v1/subscriptions/${v.subId}/rotate-secret`],
		["POST", `/v1/subscriptions/${v.subId}/pause`],
		["POST", `/v1/subscriptions/${v.subId}/resume`],
		["POST", `/v1/subscriptions/${v.subId}/replay`, { since_sequence: 1 }],
		["GET", `/v1/subscriptions/${v.subId}/attempts`],
		["GET", "/v1/events"],
		["GET", `/v1/events/${v.eventId}`],
		["POST", `/v1/events/${v.eventId}/redeliver`, {}],
		["GET", "/v1/stats"],
	];
}

describe("tenant API security", () => {
	it("answers 401 to a missing, malformed or wrong key on every tenant route", async () => {
		const v = await victim();
		for (const token of [null, "", "hf_wrong", "not-a-key", v.key.slice(0, -1)]) {
			for (const [method, path, body] of routes(v)) {
				const res = await call(token, method, path, body);
				expect(res.status, `${method} ${path} with ${token}`).toBe(401);
				expect(res.body).toMatchObject({ code: "unauthorized", title: "Unauthorized" });
			}
		}
	});

	it("gives another tenant's key nothing of this tenant, and changes nothing", async () => {
		const v = await victim();
		const intruder = as((await newTenant("intruder")).key);
		for (const [method, path, body] of routes(v)) {
			const res = await intruder(method, path, body);
			// Lists and creation act on the intruder's own (empty) tenant; ids of the victim are not found.
			expect(res.text, `${method} ${path}`).not.toContain(v.subId);
			expect(res.text).not.toContain(v.eventId);
			expect(res.text).not.toContain(v.sourceSecret);
			if (path.includes(v.subId) || path.includes(v.eventId)) expect(res.status, `${method} ${path}`).toBe(404);
		}
		// The victim's configuration is untouched (the intruder's PUT and DELETE hit its own tenant).
		expect((await v.api<{ provider: string }>("GET", "/v1/sources/vb")).body.provider).toBe("voipbin");
		const sub = await v.api<{ status: string; description?: string }>("GET", `/v1/subscriptions/${v.subId}`);
		expect(sub.body).toMatchObject({ status: "active" });
		expect(sub.body.description).toBeUndefined();
	});

	it("never echoes secrets except in the answers that create or rotate them", async () => {
		const v = await victim();
		const reads = [
			"/v1/sources",
			"/v1/sources/vb",
			"/v1/subscriptions",
			`/v1/subscriptions/${v.subId}`,
			"/v1/events",
			`/v1/events/${v.eventId}`,
		];
		for (const path of reads) {
			const res = await v.api("GET", path);
			expect(res.status).toBe(200);
			expect(res.text, path).not.toContain(v.sourceSecret);
			expect(res.text, path).not.toContain(v.subSecret);
			expect(res.text, path).not.toContain("whsec_");
		}
	});

	it("does not accept a tenant key as the admin token", async () => {
		const v = await victim();
		expect((await call(v.key, "GET", `/v1/tenants/${v.id}`)).status).toBe(401);
	});

	it("refuses an authenticated management body over 64 KiB with 413, declared or streamed, and creates nothing", async () => {
		const tenant = await newTenant("big");
		const api = as(tenant.key);
		const huge = JSON.stringify({ url: "http://127.0.0.1:9/x", description: "x".repeat(MAX_API_BODY_BYTES) });
		const streamed = () =>
			new ReadableStream<Uint8Array>({
				start(controller) {
					controller.enqueue(new TextEncoder().encode(huge));
					controller.close();
				},
			});
		for (const body of [huge, streamed()]) {
			const res = await SELF.fetch("https://hookfan.test/v1/subscriptions", {
				method: "POST",
				headers: { authorization: `Bearer ${tenant.key}`, "content-type": "application/json" },
				body,
			});
			expect(res.status).toBe(413);
			expect(res.headers.get("content-type")).toBe("application/problem+json");
			expect(await res.json()).toMatchObject({ code: "payload_too_large" });
		}
		expect((await api<{ data: unknown[] }>("GET", "/v1/subscriptions")).body.data).toEqual([]);
		// Authentication comes first: without a key the answer is 401, the body unread.
		const anonymous = await SELF.fetch("https://hookfan.test/v1/subscriptions", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: streamed(),
		});
		expect(anonymous.status).toBe(401);
		// Just under the limit is parsed as usual (and refused for its 500-character description cap).
		const near = JSON.stringify({ url: "http://127.0.0.1:9/x", description: "x".repeat(MAX_API_BODY_BYTES - 100) });
		const res = await SELF.fetch("https://hookfan.test/v1/subscriptions", {
			method: "POST",
			headers: { authorization: `Bearer ${tenant.key}`, "content-type": "application/json" },
			body: near,
		});
		expect(res.status).toBe(422);
	});
});
