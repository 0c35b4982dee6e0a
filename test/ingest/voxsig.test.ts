import { describe, expect, it } from "vitest";
import {
	VOXSIG_SECRET,
	voxsigContact,
	voxsigConversation,
	voxsigConversationFields,
	voxsigMessage,
	voxsigRequest,
	voxsigTokenRequest,
	voxsigTyping,
	voxsigWidget,
} from "../builders/voxsig";
import { ingestOk, postIngest, type SignedRequest } from "../support/ingest";
import { storedEvents } from "../support/log";
import { freshTenant, seedSource } from "../support/sources";

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A tenant with a Voxsig source `vx` configured as `config` says (signatures by default). */
async function voxsigTenant(config: Record<string, unknown> = {}): Promise<string> {
	const tenant = freshTenant("vx");
	await seedSource(tenant, "vx", { provider: "voxsig", secret: VOXSIG_SECRET, ...config });
	return tenant;
}

/** Posts and expects the generic 401, leaving the `stored` events already in the log unchanged. */
async function expectUnauthorized(tenant: string, req: SignedRequest, stored = 0): Promise<void> {
	const res = await postIngest(tenant, "vx", req);
	expect(res.status).toBe(401);
	expect(res.headers.get("content-type")).toBe("application/problem+json");
	expect(await res.json()).toMatchObject({ code: "unauthorized", title: "Unauthorized" });
	expect(await storedEvents(tenant)).toHaveLength(stored);
}

describe("Voxsig ingest: accepted events", () => {
	it("stores a signed incoming message as message.received with typed fields and no credentials", async () => {
		const tenant = await voxsigTenant();
		const accepted = await ingestOk(tenant, "vx", await voxsigRequest(voxsigMessage()));
		expect(accepted).toEqual({ id: expect.stringMatching(/^evt_/), duplicate: false });

		const [event] = await storedEvents(tenant);
		expect(event).toMatchObject({
			id: accepted.id,
			type: "message.received",
			provider: "voxsig",
			provider_type: "message_created",
			sequence: 1,
			occurred_at: "2026-01-01T00:00:00.000Z",
			data: { id: "118", direction: "inbound", text: "hi there", from: "+15550001111", conversation_id: "10" },
		});
		expect(JSON.stringify(event?.raw)).not.toContain("pubsub_token");
	});

	it("stores an agent's reply sent with integer message_type and unix created_at as message.sent", async () => {
		const tenant = await voxsigTenant();
		const payload = voxsigMessage("message_created", { message_type: 1, created_at: 1_767_225_600 });
		await ingestOk(tenant, "vx", await voxsigRequest(payload));
		const [event] = await storedEvents(tenant);
		expect(event).toMatchObject({
			type: "message.sent",
			occurred_at: "2026-01-01T00:00:00.000Z",
			data: { direction: "outbound", to: "+15550001111" },
		});
	});

	it("accepts every Voxsig event type and stores each under its canonical or passthrough type", async () => {
		const tenant = await voxsigTenant();
		const cases: [Record<string, unknown>, string][] = [
			[voxsigMessage("message_created"), "message.received"],
			[voxsigMessage("message_updated"), "message.updated"],
			[voxsigConversation("conversation_created"), "conversation.created"],
			[voxsigConversation("conversation_updated"), "conversation.updated"],
			[voxsigConversation("conversation_status_changed", { status: "resolved" }), "conversation.status_changed"],
			[voxsigContact("contact_created"), "contact.created"],
			[voxsigContact("contact_updated"), "contact.updated"],
			[voxsigWidget(), "voxsig.webwidget_triggered"],
			[voxsigTyping("conversation_typing_on"), "voxsig.conversation_typing_on"],
			[voxsigTyping("conversation_typing_off"), "voxsig.conversation_typing_off"],
			[{ event: "label_created", id: 5, title: "vip" }, "voxsig.label_created"],
		];
		for (const [i, [payload]] of cases.entries()) {
			await ingestOk(tenant, "vx", await voxsigRequest(payload, { delivery: `d-${i}` }));
		}
		const stored = await storedEvents(tenant);
		expect(stored.map((e) => e.type)).toEqual(cases.map(([, type]) => type));
		expect(stored.map((e) => e.provider_type)).toEqual(cases.map(([payload]) => payload.event));
	});
});

describe("Voxsig ingest: proof", () => {
	it("rejects a tampered body", async () => {
		const tenant = await voxsigTenant();
		const req = await voxsigRequest(voxsigMessage());
		await expectUnauthorized(tenant, { ...req, body: req.body.replace("hi there", "send me the codes") });
	});

	it("rejects a request signed with another secret", async () => {
		const tenant = await voxsigTenant();
		await expectUnauthorized(tenant, await voxsigRequest(voxsigMessage(), { secret: "not-the-secret" }));
	});

	it("rejects timestamps older or newer than five minutes, even when correctly signed", async () => {
		const tenant = await voxsigTenant();
		await expectUnauthorized(tenant, await voxsigRequest(voxsigMessage(), { timestamp: nowSeconds() - 600 }));
		await expectUnauthorized(tenant, await voxsigRequest(voxsigMessage(), { timestamp: nowSeconds() + 600 }));
	});

	it("rejects a request without a signature, and one without a timestamp", async () => {
		const tenant = await voxsigTenant();
		const req = await voxsigRequest(voxsigMessage());
		const { "x-chatwoot-signature": _signature, ...noSignature } = req.headers;
		const { "x-chatwoot-timestamp": _timestamp, ...noTimestamp } = req.headers;
		await expectUnauthorized(tenant, { ...req, headers: noSignature });
		await expectUnauthorized(tenant, { ...req, headers: noTimestamp });
	});

	it("reads renamed headers from the source, and then ignores Chatwoot's default names", async () => {
		const tenant = await voxsigTenant({
			signature_header: "X-Voxsig-Signature",
			timestamp_header: "X-Voxsig-Timestamp",
		});
		const renamed = { signatureHeader: "x-voxsig-signature", timestampHeader: "x-voxsig-timestamp" };
		await ingestOk(tenant, "vx", await voxsigRequest(voxsigMessage(), renamed));
		await expectUnauthorized(tenant, await voxsigRequest(voxsigMessage("message_created", { id: 119 })), 1);
	});

	it("accepts an unsigned request to a token source, by Authorization: Token or ?token=", async () => {
		const tenant = await voxsigTenant({ verification: "token" });
		await ingestOk(tenant, "vx", voxsigTokenRequest(voxsigMessage(), VOXSIG_SECRET, "header"));
		await ingestOk(tenant, "vx", voxsigTokenRequest(voxsigContact("contact_created"), VOXSIG_SECRET, "query"));
		expect((await storedEvents(tenant)).map((e) => e.type)).toEqual(["message.received", "contact.created"]);
		await expectUnauthorized(tenant, voxsigTokenRequest(voxsigMessage(), "wrong-token", "header"), 2);
	});

	it("does not let a signature source accept the secret as a token", async () => {
		const tenant = await voxsigTenant();
		await expectUnauthorized(tenant, voxsigTokenRequest(voxsigMessage(), VOXSIG_SECRET, "header"));
		await expectUnauthorized(tenant, voxsigTokenRequest(voxsigMessage(), VOXSIG_SECRET, "query"));
	});
});

describe("Voxsig ingest: duplicates", () => {
	it("flags a retry of the same delivery as a duplicate, even re-signed at a later timestamp", async () => {
		const tenant = await voxsigTenant();
		const payload = voxsigMessage();
		const delivery = "7f0c1e2a-9d3b-4c8e-a1f2-0b9c8d7e6f5a";
		const first = await ingestOk(
			tenant,
			"vx",
			await voxsigRequest(payload, { delivery, timestamp: nowSeconds() - 60 }),
		);
		const retry = await ingestOk(tenant, "vx", await voxsigRequest(payload, { delivery, timestamp: nowSeconds() }));
		expect(retry).toEqual({ id: first.id, duplicate: true });
		expect(await storedEvents(tenant)).toHaveLength(1);
	});

	it("stores two deliveries of different events separately", async () => {
		const tenant = await voxsigTenant();
		await ingestOk(tenant, "vx", await voxsigRequest(voxsigMessage(), { delivery: "d-1" }));
		const second = await ingestOk(
			tenant,
			"vx",
			await voxsigRequest(voxsigMessage("message_created", { id: 119 }), { delivery: "d-2" }),
		);
		expect(second.duplicate).toBe(false);
		expect(await storedEvents(tenant)).toHaveLength(2);
	});

	it("dedupes an event without an id on a renamed delivery header when the source names one", async () => {
		const tenant = await voxsigTenant({ delivery_header: "X-Voxsig-Delivery" });
		const opts = { delivery: "same-delivery", deliveryHeader: "x-voxsig-delivery" };
		const first = await ingestOk(tenant, "vx", await voxsigRequest(voxsigTyping("conversation_typing_on"), opts));
		// Typing events carry no id: a different body under the same delivery id is the same delivery.
		const again = await ingestOk(
			tenant,
			"vx",
			await voxsigRequest({ ...voxsigTyping("conversation_typing_on"), is_private: true }, opts),
		);
		expect(again).toEqual({ id: first.id, duplicate: true });
	});

	it("answers one message_created dispatched twice under two delivery ids as a duplicate", async () => {
		const tenant = await voxsigTenant();
		const first = await ingestOk(tenant, "vx", await voxsigRequest(voxsigMessage(), { delivery: "d-first" }));
		const twice = await ingestOk(tenant, "vx", await voxsigRequest(voxsigMessage(), { delivery: "d-second" }));
		expect(twice).toEqual({ id: first.id, duplicate: true });
		expect(await storedEvents(tenant)).toHaveLength(1);
	});

	it("keeps each message_updated of one message as its own event, and a re-dispatch of one once", async () => {
		const tenant = await voxsigTenant();
		await ingestOk(tenant, "vx", await voxsigRequest(voxsigMessage(), { delivery: "d-1" }));
		// Message#webhook_data has no status or updated_at: what differs is the touched conversation.
		const failed = voxsigMessage("message_updated", {
			message_type: "outgoing",
			content_attributes: { external_error: "131047: Re-engagement message" },
			conversation: voxsigConversationFields({ updated_at: 1_767_225_700.5 }),
		});
		const read = voxsigMessage("message_updated", {
			message_type: "outgoing",
			conversation: voxsigConversationFields({ updated_at: 1_767_225_800.5 }),
		});
		expect(await ingestOk(tenant, "vx", await voxsigRequest(failed, { delivery: "d-2" }))).toMatchObject({
			duplicate: false,
		});
		expect(await ingestOk(tenant, "vx", await voxsigRequest(read, { delivery: "d-3" }))).toMatchObject({
			duplicate: false,
		});
		expect(await ingestOk(tenant, "vx", await voxsigRequest(read, { delivery: "d-4" }))).toMatchObject({
			duplicate: true,
		});
		const events = await storedEvents(tenant);
		expect(events.map((e) => e.type)).toEqual(["message.received", "message.updated", "message.updated"]);
		expect(events[1]?.data).toMatchObject({
			id: "118",
			status: null,
			error: { code: null, message: "131047: Re-engagement message" },
		});
	});
});
