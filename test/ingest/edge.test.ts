import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../src/ingest/pipeline";
import { VOIPBIN_SECRET, voipbinCall, voipbinRequest } from "../builders/voipbin";
import { postIngest } from "../support/ingest";
import { storedEvents } from "../support/log";
import { freshTenant, seedSource } from "../support/sources";

async function problem(res: Response) {
	expect(res.headers.get("content-type")).toBe("application/problem+json");
	return (await res.json()) as { code: string; status: number; title: string; detail?: string; issues?: unknown[] };
}

async function voipbinTenant() {
	const tenant = freshTenant();
	await seedSource(tenant, "vb", { provider: "voipbin", secret: VOIPBIN_SECRET });
	return tenant;
}

describe("the ingest edge", () => {
	it("answers an unknown tenant and an unknown source identically with 404", async () => {
		const tenant = await voipbinTenant();
		const req = await voipbinRequest(voipbinCall("call_created"));
		const unknownTenant = await postIngest("nobody", "vb", req);
		const unknownSource = await postIngest(tenant, "nope", req);
		expect(unknownTenant.status).toBe(404);
		expect(unknownSource.status).toBe(404);
		expect(await problem(unknownTenant)).toEqual(await problem(unknownSource));
	});

	it("treats ids that are not slugs as unknown", async () => {
		const res = await postIngest("UPPER", "x", await voipbinRequest(voipbinCall("call_created")));
		expect(res.status).toBe(404);
	});

	it("answers methods the provider never sends with 405 and its Allow header", async () => {
		const tenant = await voipbinTenant();
		for (const method of ["PATCH", "OPTIONS"]) {
			const res = await SELF.fetch(`https://hookfan.test/in/${tenant}/vb`, { method });
			expect(res.status).toBe(405);
			expect(res.headers.get("allow")).toBe("GET, POST, PUT, DELETE");
			expect((await problem(res)).code).toBe("method_not_allowed");
		}
	});

	it("accepts PUT like POST", async () => {
		const tenant = await voipbinTenant();
		const res = await postIngest(tenant, "vb", {
			...(await voipbinRequest(voipbinCall("call_created"))),
			method: "PUT",
		});
		expect(res.status).toBe(200);
	});

	it("refuses a body over 1 MiB with 413, whether or not Content-Length says so", async () => {
		const tenant = await voipbinTenant();
		const big = voipbinCall("call_created", { note: "x".repeat(MAX_BODY_BYTES) });
		const res = await postIngest(tenant, "vb", await voipbinRequest(big));
		expect(res.status).toBe(413);
		expect((await problem(res)).code).toBe("payload_too_large");

		const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
		const stream = new ReadableStream<Uint8Array>({
			start(controller) {
				for (let i = 0; i < 20; i++) controller.enqueue(chunk);
				controller.close();
			},
		});
		const streamed = await SELF.fetch(`https://hookfan.test/in/${tenant}/vb`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: stream,
		});
		expect(streamed.status).toBe(413);
		expect(await storedEvents(tenant)).toHaveLength(0);
	});

	it("refuses a content type the provider does not send with 415", async () => {
		const tenant = await voipbinTenant();
		const req = await voipbinRequest(voipbinCall("call_created"));
		const res = await postIngest(tenant, "vb", { ...req, headers: { ...req.headers, "content-type": "text/xml" } });
		expect(res.status).toBe(415);
		expect((await problem(res)).code).toBe("unsupported_media_type");
	});

	it("refuses malformed JSON with 400, even when correctly signed", async () => {
		const tenant = await voipbinTenant();
		const req = await voipbinRequest(voipbinCall("call_created"));
		const broken = req.body.slice(0, -3);
		const signed = await voipbinRequest(JSON.parse(req.body));
		const res = await postIngest(tenant, "vb", { ...signed, body: broken });
		expect(res.status).toBe(400);
		expect((await problem(res)).code).toBe("malformed_body");
	});

	it("gives the zod issues for an authentic payload that does not fit the provider's schema", async () => {
		const tenant = await voipbinTenant();
		const res = await postIngest(tenant, "vb", await voipbinRequest({ type: 42 }));
		expect(res.status).toBe(400);
		const body = await problem(res);
		expect(body.code).toBe("invalid_payload");
		expect(body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: ["type"] })]));
	});

	it("does not reveal schema details to an unauthenticated sender", async () => {
		const tenant = await voipbinTenant();
		const res = await postIngest(tenant, "vb", await voipbinRequest({ type: 42 }, "wrong-secret"));
		expect(res.status).toBe(401);
		expect(await problem(res)).toEqual({
			type: "https://hookfan.dev/problems/unauthorized",
			title: "Unauthorized",
			status: 401,
			code: "unauthorized",
		});
	});

	it("assigns gap-free sequences in the order the 200s were given", async () => {
		const tenant = await voipbinTenant();
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) {
			const res = await postIngest(tenant, "vb", await voipbinRequest(voipbinCall("call_created", { id: `c${i}` })));
			ids.push(((await res.json()) as { id: string }).id);
		}
		const events = await storedEvents(tenant);
		expect(events.map((e) => [e.sequence, e.id])).toEqual(ids.map((id, i) => [i + 1, id]));
	});
});
