import { describe, expect, it } from "vitest";
import { utf8 } from "../../src/crypto/bytes";
import { signVoipbin } from "../../src/verify/voipbin";
import { VOIPBIN_SECRET, voipbinCall, voipbinMessage, voipbinRequest } from "../builders/voipbin";
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

	it("stores an inbound SMS message_created as message.received with typed fields", async () => {
		const tenant = freshTenant();
		await seedSource(tenant, "vb", { provider: "voipbin", secret: VOIPBIN_SECRET });
		await ingestOk(tenant, "vb", await voipbinRequest(voipbinMessage("message_created")));
		const [event] = await storedEvents(tenant);
		expect(event).toMatchObject({
			type: "message.received",
			provider_type: "message_created",
			data: {
				id: "a3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
				direction: "inbound",
				text: "Is my order ready?",
				from: "+15550001111",
				to: "+15550002222",
				status: "received",
			},
		});
	});

	it("answers a re-send of one message event, serialized differently, as a duplicate", async () => {
		// VoIPbin sends no delivery id: the message's id and state in the payload are its identity.
		const tenant = freshTenant();
		await seedSource(tenant, "vb", { provider: "voipbin", secret: VOIPBIN_SECRET });
		const payload = voipbinMessage("message_created");
		const first = await ingestOk(tenant, "vb", await voipbinRequest(payload));
		const reordered = { data: payload.data, type: payload.type };
		expect(await ingestOk(tenant, "vb", await voipbinRequest(reordered))).toEqual({ id: first.id, duplicate: true });
		expect(await storedEvents(tenant)).toHaveLength(1);
	});

	it("keeps each delivery update of one SMS as its own event", async () => {
		const tenant = freshTenant();
		await seedSource(tenant, "vb", { provider: "voipbin", secret: VOIPBIN_SECRET });
		const update = (status: string) =>
			voipbinMessage("message_updated", {
				direction: "outbound",
				targets: [{ destination: { type: "tel", target: "+15550001111" }, status, parts: 1 }],
			});
		await ingestOk(tenant, "vb", await voipbinRequest(update("sent")));
		expect(await ingestOk(tenant, "vb", await voipbinRequest(update("delivered")))).toMatchObject({ duplicate: false });
		const events = await storedEvents(tenant);
		expect(events.map((e) => [e.type, e.data.status])).toEqual([
			["message.status_changed", "sent"],
			["message.status_changed", "delivered"],
		]);
	});
});
