import { describe, expect, it } from "vitest";
import {
	CCAI_CLIENT_ID,
	CCAI_EVENT_HASH,
	CCAI_SECRET,
	ccaiMessage,
	ccaiRequest,
	ccaiServerMessage,
	ccaiUnsubscribed,
} from "../builders/cloudcontactai";
import { ingestOk, postIngest } from "../support/ingest";
import { storedEvents } from "../support/log";
import { freshTenant, seedSource } from "../support/sources";

/** A tenant with one CCAI source, `ccai`, for client 1231; `config` overrides the source's fields. */
async function ccaiTenant(config: Record<string, unknown> = {}): Promise<string> {
	const tenant = freshTenant("ccai");
	await seedSource(tenant, "ccai", {
		provider: "cloudcontactai",
		secret: CCAI_SECRET,
		client_id: CCAI_CLIENT_ID,
		...config,
	});
	return tenant;
}

async function expectProblem(res: Response, status: number, code: string): Promise<Record<string, unknown>> {
	expect(res.status).toBe(status);
	expect(res.headers.get("content-type")).toBe("application/problem+json");
	const body = (await res.json()) as Record<string, unknown>;
	expect(body).toMatchObject({ code });
	return body;
}

describe("CloudContactAI ingest: stored envelopes", () => {
	it.each([
		["message.sent", "message.sent", { direction: "outbound", id: "12345", status: "DELIVERED", error: null }],
		[
			"message.incoming",
			"message.received",
			{ direction: "inbound", id: null, from: "+15550002222", status: "RECEIVED" },
		],
		["message.received", "message.received", { direction: "inbound", id: null, text: "Yes please" }],
		[
			"message.error.carrier",
			"message.failed",
			{ status: "FAILED", error: { code: "30008", message: "Unknown destination handset" } },
		],
		[
			"message.error.cloudcontact",
			"message.failed",
			{ status: "FAILED", error: { code: "CCAI-001", message: "Insufficient account balance" } },
		],
		[
			"message.excluded",
			"message.failed",
			{ status: "EXCLUDED", error: { code: null, message: "Duplicate phone number in campaign" } },
		],
	])("stores a signed %s as %s with typed fields", async (eventType, type, data) => {
		const tenant = await ccaiTenant();
		const accepted = await ingestOk(tenant, "ccai", await ccaiRequest(ccaiMessage(eventType)));
		expect(accepted).toEqual({ id: expect.stringMatching(/^evt_/), duplicate: false });
		const [event] = await storedEvents(tenant);
		expect(event).toMatchObject({
			id: accepted.id,
			type,
			provider: "cloudcontactai",
			provider_type: eventType,
			sequence: 1,
			occurred_at: null,
			data: { contact_id: "customer_abc123", channel: null, attachments: [], ...data },
		});
		expect(event?.raw).toEqual(ccaiMessage(eventType));
	});

	it("stores a contact.unsubscribed with the contact and its UnsubscribedAt", async () => {
		const tenant = await ccaiTenant();
		await ingestOk(tenant, "ccai", await ccaiRequest(ccaiUnsubscribed()));
		const [event] = await storedEvents(tenant);
		expect(event).toMatchObject({
			type: "contact.unsubscribed",
			provider_type: "contact.unsubscribed",
			occurred_at: "2026-05-06T07:08:09.000Z",
			data: { id: "4242", name: "Ada Lovelace", phone: "+15550002222", urn: "tel:+15550002222" },
		});
	});

	it("stores an unknown event type as cloudcontactai.<type> with empty data and the whole payload", async () => {
		const tenant = await ccaiTenant();
		const payload = { eventType: "campaign.completed", data: { CampaignId: 67890 }, eventHash: CCAI_EVENT_HASH };
		await ingestOk(tenant, "ccai", await ccaiRequest(payload));
		const [event] = await storedEvents(tenant);
		expect(event).toMatchObject({ type: "cloudcontactai.campaign.completed", data: {}, raw: payload });
	});

	it("accepts a PUT, for customers who configured CCAI to use it", async () => {
		const tenant = await ccaiTenant();
		await ingestOk(tenant, "ccai", await ccaiRequest(ccaiMessage("message.sent"), { method: "PUT" }));
		expect(await storedEvents(tenant)).toHaveLength(1);
	});
});

describe("CloudContactAI ingest: proof", () => {
	it("rejects a message.sent signed with a wrong secret with a generic 401 and stores nothing", async () => {
		const tenant = await ccaiTenant();
		const res = await postIngest(tenant, "ccai", await ccaiRequest(ccaiMessage("message.sent"), { secret: "wrong" }));
		const body = await expectProblem(res, 401, "unauthorized");
		expect(body.title).toBe("Unauthorized");
		expect(await storedEvents(tenant)).toHaveLength(0);
	});

	it("rejects a correctly signed message.sent when the source is configured with another client_id", async () => {
		const tenant = await ccaiTenant({ client_id: "9999" });
		const res = await postIngest(tenant, "ccai", await ccaiRequest(ccaiMessage("message.sent")));
		await expectProblem(res, 401, "unauthorized");
		expect(await storedEvents(tenant)).toHaveLength(0);
	});

	it("rejects a message.sent without X-CCAI-Signature with 401", async () => {
		const tenant = await ccaiTenant();
		const res = await postIngest(tenant, "ccai", await ccaiRequest(ccaiMessage("message.sent"), { signedHash: null }));
		await expectProblem(res, 401, "unauthorized");
	});

	it("rejects a message.sent without an eventHash with 401", async () => {
		const tenant = await ccaiTenant();
		const req = await ccaiRequest(ccaiMessage("message.sent", {}, null), { signedHash: CCAI_EVENT_HASH });
		await expectProblem(await postIngest(tenant, "ccai", req), 401, "unauthorized");
	});

	it("rejects a body whose eventHash was changed after signing with 401", async () => {
		const tenant = await ccaiTenant();
		const req = await ccaiRequest(ccaiMessage("message.sent", {}, "tampered-hash"), { signedHash: CCAI_EVENT_HASH });
		await expectProblem(await postIngest(tenant, "ccai", req), 401, "unauthorized");
		expect(await storedEvents(tenant)).toHaveLength(0);
	});

	it("rejects the older SDK's body-hex signature unless the source opts in", async () => {
		const tenant = await ccaiTenant();
		const req = await ccaiRequest(ccaiMessage("message.sent"), { legacy: true });
		await expectProblem(await postIngest(tenant, "ccai", req), 401, "unauthorized");
	});

	it("accepts the older SDK's body-hex signature, and still the eventHash one, when legacy_body_hmac is on", async () => {
		const tenant = await ccaiTenant({ legacy_body_hmac: true });
		await ingestOk(tenant, "ccai", await ccaiRequest(ccaiMessage("message.sent"), { legacy: true }));
		await ingestOk(tenant, "ccai", await ccaiRequest(ccaiMessage("message.incoming", {}, "another-event-hash")));
		expect((await storedEvents(tenant)).map((e) => e.provider_type)).toEqual(["message.sent", "message.incoming"]);
	});
});

describe("CloudContactAI ingest: duplicates and bad bodies", () => {
	it("flags a repeat of the same event as a duplicate and stores it once", async () => {
		const tenant = await ccaiTenant();
		const req = await ccaiRequest(ccaiMessage("message.sent"));
		const first = await ingestOk(tenant, "ccai", req);
		const second = await ingestOk(tenant, "ccai", req);
		expect(second).toEqual({ id: first.id, duplicate: true });
		expect(await storedEvents(tenant)).toHaveLength(1);
	});

	it("treats a replayed signature over a changed body as a duplicate of the original, not a new event", async () => {
		// The body is not signed (a known CCAI weakness): the eventHash dedupe key is what contains it.
		const tenant = await ccaiTenant();
		const first = await ingestOk(tenant, "ccai", await ccaiRequest(ccaiMessage("message.sent")));
		const forged = await ccaiRequest(ccaiMessage("message.sent", { Message: "Send your password" }));
		expect(await ingestOk(tenant, "ccai", forged)).toEqual({ id: first.id, duplicate: true });
		const events = await storedEvents(tenant);
		expect(events).toHaveLength(1);
		expect(events[0]?.data).toMatchObject({ text: "Your order has shipped." });
	});

	it("dedupes a replay over a changed body by an eventHash too long to store as it is", async () => {
		const tenant = await ccaiTenant();
		const hash = "h".repeat(600);
		const first = await ingestOk(tenant, "ccai", await ccaiRequest(ccaiMessage("message.sent", {}, hash)));
		expect(first.duplicate).toBe(false);
		const forged = await ccaiRequest(ccaiMessage("message.sent", { Message: "Send your password" }, hash));
		expect(await ingestOk(tenant, "ccai", forged)).toEqual({ id: first.id, duplicate: true });
		expect(await storedEvents(tenant)).toHaveLength(1);
	});

	it("answers a re-send of one message.sent, serialized differently, as a duplicate: eventHash decides", async () => {
		const tenant = await ccaiTenant();
		const payload = ccaiServerMessage("message.sent");
		const first = await ingestOk(tenant, "ccai", await ccaiRequest(payload));
		const resent = await ccaiRequest(payload, { rawBody: JSON.stringify(payload, null, 2) });
		expect(await ingestOk(tenant, "ccai", resent)).toEqual({ id: first.id, duplicate: true });
		const [event] = await storedEvents(tenant);
		expect(event?.data).toMatchObject({ id: "142065", status: "SENT" });
	});

	it("keeps a carrier error for the same message as a new event", async () => {
		const tenant = await ccaiTenant();
		await ingestOk(tenant, "ccai", await ccaiRequest(ccaiServerMessage("message.sent")));
		const error = ccaiServerMessage(
			"message.error.carrier",
			{ MessageStatus: "FAILED", ErrorCode: "30007" },
			"f00dfeedcafe0001",
		);
		expect(await ingestOk(tenant, "ccai", await ccaiRequest(error))).toMatchObject({ duplicate: false });
		const events = await storedEvents(tenant);
		expect(events.map((e) => [e.type, e.data.id])).toEqual([
			["message.sent", "142065"],
			["message.failed", "142065"],
		]);
	});

	it("rejects malformed JSON with 400 malformed_body", async () => {
		const tenant = await ccaiTenant();
		const req = await ccaiRequest(ccaiMessage("message.sent"), { rawBody: '{"eventType": "message.sent",' });
		await expectProblem(await postIngest(tenant, "ccai", req), 400, "malformed_body");
	});

	it("rejects a signed body that does not fit CCAI's schema with 400 and the zod issues", async () => {
		const tenant = await ccaiTenant();
		const payload = { eventType: "message.sent", data: "not an object", eventHash: CCAI_EVENT_HASH };
		const body = await expectProblem(
			await postIngest(tenant, "ccai", await ccaiRequest(payload)),
			400,
			"invalid_payload",
		);
		expect(body.issues).toEqual([expect.objectContaining({ path: ["data"] })]);
		expect(await storedEvents(tenant)).toHaveLength(0);
	});
});
