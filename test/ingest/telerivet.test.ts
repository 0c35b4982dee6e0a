import { describe, expect, it } from "vitest";
import {
	CONTACT_ID,
	formBody,
	MESSAGE_ID,
	TELERIVET_SECRET,
	telerivetEvent,
	telerivetIncoming,
	telerivetRequest,
	telerivetStatus,
} from "../builders/telerivet";
import { ingestOk, postIngest, type SignedRequest } from "../support/ingest";
import { storedEvents } from "../support/log";
import { freshTenant, seedSource } from "../support/sources";

/** A tenant with one Telerivet source `tr`, set to `verification` (default: either proof). */
async function telerivetTenant(verification?: "basic_or_form" | "basic" | "form"): Promise<string> {
	const tenant = freshTenant("tr");
	await seedSource(tenant, "tr", { provider: "telerivet", secret: TELERIVET_SECRET, verification });
	return tenant;
}

/** Posts and expects the generic 401, with nothing stored. */
async function expectUnauthorized(tenant: string, req: SignedRequest): Promise<void> {
	const res = await postIngest(tenant, "tr", req);
	expect(res.status).toBe(401);
	expect(res.headers.get("content-type")).toBe("application/problem+json");
	expect(await res.json()).toMatchObject({ code: "unauthorized", title: "Unauthorized" });
	expect(await storedEvents(tenant)).toHaveLength(0);
}

describe("Telerivet ingest: proofs", () => {
	it("accepts the PROVIDERS.md test vector header with exactly HTTP 200", async () => {
		const tenant = await telerivetTenant();
		const res = await postIngest(tenant, "tr", {
			body: formBody(telerivetIncoming()),
			headers: {
				"content-type": "application/x-www-form-urlencoded",
				authorization: "Basic dGVsZXJpdmV0OnRlc3QtdGVsZXJpdmV0LXNlY3JldA==",
			},
		});
		// Telerivet treats anything but 200 (even another 2xx) as a failure and retries for a day.
		expect(res.status).toBe(200);
		expect(await storedEvents(tenant)).toHaveLength(1);
	});

	it("accepts an incoming message proven by Basic auth and stores it as message.received", async () => {
		const tenant = await telerivetTenant();
		const accepted = await ingestOk(tenant, "tr", telerivetRequest(telerivetIncoming(), { proof: "basic" }));
		expect(accepted).toEqual({ id: expect.stringMatching(/^evt_/), duplicate: false });

		const [event] = await storedEvents(tenant);
		expect(event).toMatchObject({
			id: accepted.id,
			type: "message.received",
			provider: "telerivet",
			provider_type: "incoming_message",
			occurred_at: "2026-05-06T07:08:09.000Z",
			data: {
				id: MESSAGE_ID,
				direction: "inbound",
				text: "Hello world",
				from: "+16505550123",
				to: "+16505550199",
				channel: "sms",
				contact_id: CONTACT_ID,
			},
		});
	});

	it("accepts an incoming message proven by the form secret, and never stores the secret", async () => {
		const tenant = await telerivetTenant();
		await ingestOk(tenant, "tr", telerivetRequest(telerivetIncoming(), { proof: "form" }));
		const [event] = await storedEvents(tenant);
		expect(event?.type).toBe("message.received");
		expect(event?.raw).toMatchObject({ event: "incoming_message", id: MESSAGE_ID, content: "Hello world" });
		expect(event?.raw).not.toHaveProperty("secret");
		expect(JSON.stringify(event)).not.toContain(TELERIVET_SECRET);
	});

	it("rejects a Telerivet incoming message with a wrong Basic password", async () => {
		await expectUnauthorized(await telerivetTenant(), telerivetRequest(telerivetIncoming(), { secret: "wrong" }));
	});

	it("rejects a Telerivet incoming message with a wrong Basic username", async () => {
		const req = telerivetRequest(telerivetIncoming(), { username: "admin" });
		await expectUnauthorized(await telerivetTenant(), req);
	});

	it("rejects a Telerivet incoming message with a wrong form secret", async () => {
		const req = telerivetRequest(telerivetIncoming(), { proof: "form", secret: "wrong" });
		await expectUnauthorized(await telerivetTenant(), req);
	});

	it("rejects a Telerivet incoming message with no proof at all", async () => {
		await expectUnauthorized(await telerivetTenant(), telerivetRequest(telerivetIncoming(), { proof: "none" }));
	});

	it("rejects a repeated secret field instead of picking one copy", async () => {
		const req = telerivetRequest(telerivetIncoming(), {
			proof: "form",
			formSecret: [TELERIVET_SECRET, TELERIVET_SECRET],
		});
		await expectUnauthorized(await telerivetTenant(), req);
	});

	it("rejects a wrong Basic header even when the form secret is right", async () => {
		const req = telerivetRequest(telerivetIncoming(), { proof: "both", secret: "wrong", formSecret: TELERIVET_SECRET });
		await expectUnauthorized(await telerivetTenant(), req);
	});

	it("with verification basic, rejects a request proven only by the form secret", async () => {
		const tenant = await telerivetTenant("basic");
		await expectUnauthorized(tenant, telerivetRequest(telerivetIncoming(), { proof: "form" }));
		await ingestOk(tenant, "tr", telerivetRequest(telerivetIncoming(), { proof: "basic" }));
	});

	it("with verification form, rejects a request proven only by Basic auth", async () => {
		const tenant = await telerivetTenant("form");
		await expectUnauthorized(tenant, telerivetRequest(telerivetIncoming(), { proof: "basic" }));
		await ingestOk(tenant, "tr", telerivetRequest(telerivetIncoming(), { proof: "form" }));
	});
});

describe("Telerivet ingest: event types", () => {
	it("stores a failed send_status as message.failed with the error message", async () => {
		const tenant = await telerivetTenant();
		const fields = telerivetStatus("failed", { error_message: "Invalid destination number" });
		await ingestOk(tenant, "tr", telerivetRequest(fields, { proof: "form" }));
		const [event] = await storedEvents(tenant);
		expect(event).toMatchObject({
			type: "message.failed",
			provider_type: "send_status",
			data: {
				id: MESSAGE_ID,
				direction: "outbound",
				status: "failed",
				error: { message: "Invalid destination number" },
			},
		});
		expect(event?.raw).not.toHaveProperty("secret");
	});

	it("carries a failed send_status's error_code and error_message", async () => {
		const tenant = await telerivetTenant();
		const fields = telerivetStatus("failed", { error_code: "30007", error_message: "Message filtered by the carrier" });
		await ingestOk(tenant, "tr", telerivetRequest(fields));
		const [event] = await storedEvents(tenant);
		expect(event).toMatchObject({
			type: "message.failed",
			data: { id: MESSAGE_ID, error: { code: "30007", message: "Message filtered by the carrier" } },
		});
	});

	it("stores a delivered send_status as message.status_changed", async () => {
		const tenant = await telerivetTenant();
		await ingestOk(tenant, "tr", telerivetRequest(telerivetStatus("delivered")));
		const [event] = await storedEvents(tenant);
		expect(event).toMatchObject({
			type: "message.status_changed",
			data: { direction: "outbound", status: "delivered", error: null },
		});
	});

	it.each(["send_broadcast", "contact_update", "message_metadata", "something_new"])(
		"stores %s as telerivet.<event> with the whole payload in raw",
		async (name) => {
			const tenant = await telerivetTenant();
			const fields = telerivetEvent(name, { id: "XY1", "vars[region]": "north" });
			await ingestOk(tenant, "tr", telerivetRequest(fields, { proof: "both" }));
			const [event] = await storedEvents(tenant);
			expect(event).toMatchObject({ type: `telerivet.${name}`, provider_type: name, data: {} });
			expect(event?.raw).toEqual({ event: name, project_id: fields.project_id, id: "XY1", "vars[region]": "north" });
		},
	);
});

describe("Telerivet ingest: edges", () => {
	it("refuses a JSON body with 415: Telerivet only sends forms", async () => {
		const tenant = await telerivetTenant();
		const req = telerivetRequest(telerivetIncoming());
		const res = await postIngest(tenant, "tr", {
			body: JSON.stringify(telerivetIncoming()),
			headers: { ...req.headers, "content-type": "application/json" },
		});
		expect(res.status).toBe(415);
		expect(await res.json()).toMatchObject({ code: "unsupported_media_type" });
	});

	it("flags Telerivet's retry of the same incoming message as a duplicate and stores it once", async () => {
		const tenant = await telerivetTenant();
		const req = telerivetRequest(telerivetIncoming());
		const first = await ingestOk(tenant, "tr", req);
		const second = await ingestOk(tenant, "tr", req);
		expect(second).toEqual({ id: first.id, duplicate: true });
		expect(await storedEvents(tenant)).toHaveLength(1);
	});

	it("answers a re-send of one incoming message, proven another way and in another field order, as a duplicate", async () => {
		// Telerivet has no delivery id: the message id in the payload is the identity.
		const tenant = await telerivetTenant();
		const first = await ingestOk(tenant, "tr", telerivetRequest(telerivetIncoming(), { proof: "basic" }));
		const reordered = Object.fromEntries(Object.entries(telerivetIncoming()).reverse());
		const again = await ingestOk(tenant, "tr", telerivetRequest(reordered, { proof: "form" }));
		expect(again).toEqual({ id: first.id, duplicate: true });
		expect(await storedEvents(tenant)).toHaveLength(1);
	});

	it("does not treat a send_status for the same message id as a duplicate of the message", async () => {
		const tenant = await telerivetTenant();
		const incoming = await ingestOk(tenant, "tr", telerivetRequest(telerivetIncoming()));
		const status = await ingestOk(tenant, "tr", telerivetRequest(telerivetStatus("delivered")));
		expect(status.duplicate).toBe(false);
		expect(status.id).not.toBe(incoming.id);
		expect((await storedEvents(tenant)).map((e) => e.type)).toEqual(["message.received", "message.status_changed"]);
	});

	it("stores each status of one message, but a repeated status once", async () => {
		const tenant = await telerivetTenant();
		await ingestOk(tenant, "tr", telerivetRequest(telerivetStatus("sent")));
		await ingestOk(tenant, "tr", telerivetRequest(telerivetStatus("delivered")));
		const again = await ingestOk(tenant, "tr", telerivetRequest(telerivetStatus("delivered")));
		expect(again.duplicate).toBe(true);
		expect((await storedEvents(tenant)).map((e) => e.data.status)).toEqual(["sent", "delivered"]);
	});

	it("answers 400 with the zod issue when the body names no event", async () => {
		const tenant = await telerivetTenant();
		const res = await postIngest(tenant, "tr", telerivetRequest({ id: MESSAGE_ID, content: "hi" }));
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ code: "invalid_payload", issues: [{ path: ["event"] }] });
	});
});
