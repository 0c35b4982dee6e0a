import { describe, expect, it } from "vitest";
import { utf8 } from "../../src/crypto/bytes";
import { signVoipbin } from "../../src/verify/voipbin";
import { VOIPBIN_SECRET, voipbinCall, voipbinRequest } from "../builders/voipbin";
import { ingestOk, postIngest } from "../support/ingest";
import { storedEvents } from "../support/log";
import { freshTenant, seedSource } from "../support/sources";

describe("VoIPbin ingest", () => {
	it("reproduces the PROVIDERS.md test vector", async () => {
		const body = '{"type":"call_updated","data":{"id":"test"}}';
		expect(await signVoipbin("test-voipbin-secret", utf8(body))).toBe(
			"sha256=b494767fcc236178a1d055e59e110c6f83155bc9f0f51ae55b0a7eddd3543033",
		);
	});

	it("accepts a signed call_hungup and stores it as call.hangup with typed fields", async () => {
		const tenant = freshTenant();
		await seedSource(tenant, "vb", { provider: "voipbin", secret: VOIPBIN_SECRET });
		const payload = voipbinCall("call_hungup", { status: "hangup", hangup_reason: "normal" });
		const accepted = await ingestOk(tenant, "vb", await voipbinRequest(payload));
		expect(accepted).toEqual({ id: expect.stringMatching(/^evt_/), duplicate: false });

		const [event] = await storedEvents(tenant);
		expect(event).toMatchObject({
			id: accepted.id,
			type: "call.hangup",
			provider: "voipbin",
			provider_type: "call_hungup",
			sequence: 1,
			occurred_at: "2026-11-20T10:00:05.000Z",
			data: {
				id: "call-1",
				status: "hangup",
				direction: "inbound",
				from: "+15550001111",
				to: "+15550002222",
				hangup_reason: "normal",
			},
		});
	});

	it("flags a repeat of the same event as a duplicate and stores it once", async () => {
		const tenant = freshTenant();
		await seedSource(tenant, "vb", { provider: "voipbin", secret: VOIPBIN_SECRET });
		const req = await voipbinRequest(voipbinCall("call_answered"));
		const first = await ingestOk(tenant, "vb", req);
		const second = await ingestOk(tenant, "vb", req);
		expect(second).toEqual({ id: first.id, duplicate: true });
		expect(await storedEvents(tenant)).toHaveLength(1);
	});

	it("rejects a tampered body with a generic 401", async () => {
		const tenant = freshTenant();
		await seedSource(tenant, "vb", { provider: "voipbin", secret: VOIPBIN_SECRET });
		const req = await voipbinRequest(voipbinCall("call_answered"));
		const res = await postIngest(tenant, "vb", { ...req, body: req.body.replace("call-1", "call-2") });
		expect(res.status).toBe(401);
		expect(res.headers.get("content-type")).toBe("application/problem+json");
		expect(await res.json()).toMatchObject({ code: "unauthorized", title: "Unauthorized" });
		expect(await storedEvents(tenant)).toHaveLength(0);
	});
});
