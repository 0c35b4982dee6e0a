import { describe, expect, it } from "vitest";
import {
	CHANNEL,
	CONTACT_UUID,
	EVENT_UUID,
	RAPIDPRO_TOKEN,
	rapidproCurrentMsgEvent,
	rapidproEvent,
	rapidproMsgEvent,
	rapidproRequest,
	rapidproResthook,
	type TokenPlacement,
} from "../builders/rapidpro";
import { ingestOk, postIngest } from "../support/ingest";
import { storedEvents } from "../support/log";
import { freshTenant, seedSource } from "../support/sources";

/** A tenant with one RapidPro source, `rp`, whose token is RAPIDPRO_TOKEN. */
async function rapidproTenant(): Promise<string> {
	const tenant = freshTenant("rp");
	await seedSource(tenant, "rp", { provider: "rapidpro", secret: RAPIDPRO_TOKEN });
	return tenant;
}

async function expectProblem(res: Response, status: number, code: string): Promise<Record<string, unknown>> {
	expect(res.status).toBe(status);
	expect(res.headers.get("content-type")).toBe("application/problem+json");
	const body = (await res.json()) as Record<string, unknown>;
	expect(body).toMatchObject({ code });
	return body;
}

describe("RapidPro ingest: proof", () => {
	it.each<TokenPlacement>(["token", "bearer", "query"])(
		"accepts a msg_received whose token comes via %s",
		async (via) => {
			const tenant = await rapidproTenant();
			const accepted = await ingestOk(tenant, "rp", rapidproRequest(rapidproMsgEvent("msg_received"), { via }));
			expect(accepted).toEqual({ id: expect.stringMatching(/^evt_/), duplicate: false });
			expect(await storedEvents(tenant)).toHaveLength(1);
		},
	);

	it("rejects a msg_received with a wrong token with a generic 401 and stores nothing", async () => {
		const tenant = await rapidproTenant();
		const res = await postIngest(tenant, "rp", rapidproRequest(rapidproMsgEvent("msg_received"), { token: "wrong" }));
		const body = await expectProblem(res, 401, "unauthorized");
		expect(body.title).toBe("Unauthorized");
		expect(await storedEvents(tenant)).toHaveLength(0);
	});

	it("rejects a msg_received without any token with 401, whatever its User-Agent claims", async () => {
		const tenant = await rapidproTenant();
		const res = await postIngest(tenant, "rp", rapidproRequest(rapidproMsgEvent("msg_received"), { token: null }));
		await expectProblem(res, 401, "unauthorized");
		expect(await storedEvents(tenant)).toHaveLength(0);
	});

	it("rejects a wrong ?token= on a resthook subscriber URL with 401", async () => {
		const tenant = await rapidproTenant();
		const res = await postIngest(tenant, "rp", rapidproRequest(rapidproResthook(), { token: "nope", via: "query" }));
		await expectProblem(res, 401, "unauthorized");
	});
});

describe("RapidPro ingest: stored envelopes", () => {
	it("stores a msg_received as an inbound message.received with typed fields", async () => {
		const tenant = await rapidproTenant();
		const accepted = await ingestOk(tenant, "rp", rapidproRequest(rapidproMsgEvent("msg_received")));
		const [event] = await storedEvents(tenant);
		expect(event).toMatchObject({
			id: accepted.id,
			type: "message.received",
			provider: "rapidpro",
			provider_type: "msg_received",
			sequence: 1,
			occurred_at: "2026-03-04T05:06:07.123Z",
			data: {
				direction: "inbound",
				text: "hi there",
				from: "tel:+12065551212",
				channel: CHANNEL.uuid,
				attachments: [{ url: "https://s3.example.com/bucket/photo.jpg", content_type: "image/jpeg" }],
			},
		});
	});

	it.each([
		["msg_created", "message.sent", { direction: "outbound", to: "tel:+12065551212" }],
		["ivr_created", "message.sent", { direction: "outbound", to: "tel:+12065551212" }],
	])("stores a %s as %s", async (type, canonical, data) => {
		const tenant = await rapidproTenant();
		await ingestOk(tenant, "rp", rapidproRequest(rapidproMsgEvent(type)));
		const [event] = await storedEvents(tenant);
		expect(event).toMatchObject({ type: canonical, provider_type: type, data });
	});

	it.each([
		["contact_field_changed", { field: { key: "gender", name: "Gender" }, value: { text: "Male" } }, {}],
		["contact_groups_changed", { groups_removed: [{ uuid: "g1", name: "Leads" }] }, {}],
		["contact_language_changed", { language: "fra" }, {}],
		["contact_name_changed", { name: "Bob Smith" }, { name: "Bob Smith" }],
		["contact_timezone_changed", { timezone: "Africa/Kigali" }, {}],
		["contact_urns_changed", { urns: ["tel:+12345678900"] }, { urn: "tel:+12345678900", phone: "+12345678900" }],
		["contact_refreshed", { contact: { uuid: CONTACT_UUID, name: "Bob", urns: [] } }, { id: CONTACT_UUID }],
	])("stores a %s as contact.updated", async (type, fields, data) => {
		const tenant = await rapidproTenant();
		await ingestOk(tenant, "rp", rapidproRequest(rapidproEvent(type, fields)));
		const [event] = await storedEvents(tenant);
		expect(event).toMatchObject({ type: "contact.updated", provider_type: type, data, raw: fields });
	});

	it("stores a run_expired as rapidpro.run_expired with empty data and the full payload", async () => {
		const tenant = await rapidproTenant();
		const payload = rapidproEvent("run_expired", { run_uuid: "d2f852ec-7b4e-457f-ae7f-f8b243c49ff5" });
		await ingestOk(tenant, "rp", rapidproRequest(payload));
		const [event] = await storedEvents(tenant);
		expect(event).toMatchObject({ type: "rapidpro.run_expired", provider_type: "run_expired", data: {}, raw: payload });
	});

	it("stores the default resthook payload, posted with ?token=, as rapidpro.resthook", async () => {
		const tenant = await rapidproTenant();
		const payload = rapidproResthook();
		await ingestOk(tenant, "rp", rapidproRequest(payload, { via: "query" }));
		const [event] = await storedEvents(tenant);
		expect(event).toMatchObject({ type: "rapidpro.resthook", provider_type: "resthook", data: {}, raw: payload });
	});
});

describe("RapidPro ingest: duplicates", () => {
	it("flags a repeat of the same msg_received as a duplicate and stores it once", async () => {
		const tenant = await rapidproTenant();
		const req = rapidproRequest(rapidproMsgEvent("msg_received"));
		const first = await ingestOk(tenant, "rp", req);
		const second = await ingestOk(tenant, "rp", req);
		expect(second).toEqual({ id: first.id, duplicate: true });
		expect(await storedEvents(tenant)).toHaveLength(1);
	});

	it("flags a resend of an identical resthook payload by its body hash", async () => {
		const tenant = await rapidproTenant();
		const req = rapidproRequest(rapidproResthook(), { via: "query" });
		const first = await ingestOk(tenant, "rp", req);
		expect(await ingestOk(tenant, "rp", req)).toEqual({ id: first.id, duplicate: true });
	});

	it("keeps two resthook calls of one run that differ by their results", async () => {
		const tenant = await rapidproTenant();
		await ingestOk(tenant, "rp", rapidproRequest(rapidproResthook()));
		const later = rapidproResthook({ results: { age: { value: "30", category: "Numeric" } } });
		expect(await ingestOk(tenant, "rp", rapidproRequest(later))).toMatchObject({ duplicate: false });
		expect(await storedEvents(tenant)).toHaveLength(2);
	});
});

describe("RapidPro ingest: real senders", () => {
	it("stores a mid-2025 msg_received, whose msg has no uuid, with the event uuid as the message id", async () => {
		const tenant = await rapidproTenant();
		const payload = rapidproCurrentMsgEvent("msg_received");
		await ingestOk(tenant, "rp", rapidproRequest(payload));
		const [event] = await storedEvents(tenant);
		expect(event).toMatchObject({ type: "message.received", data: { id: EVENT_UUID, direction: "inbound" } });
	});

	it("stores a hand-written body with its own non-goflow type as rapidpro.webhook", async () => {
		const tenant = await rapidproTenant();
		const payload = { type: "registration", phone: "+593990000111" };
		await ingestOk(tenant, "rp", rapidproRequest(payload));
		const [event] = await storedEvents(tenant);
		expect(event).toMatchObject({ type: "rapidpro.webhook", provider_type: "webhook", data: {}, raw: payload });
	});

	it("answers a re-post of one event in a different wrapping as a duplicate: the event uuid decides", async () => {
		const tenant = await rapidproTenant();
		const payload = rapidproCurrentMsgEvent("msg_received");
		const first = await ingestOk(tenant, "rp", rapidproRequest(payload));
		// A second webhook node relaying the same event adds its own fields and another token placement.
		const again = rapidproRequest({ ...payload, relayed_by: "second-node" }, { via: "bearer" });
		expect(await ingestOk(tenant, "rp", again)).toEqual({ id: first.id, duplicate: true });
		expect(await storedEvents(tenant)).toHaveLength(1);
	});

	it("keeps a later msg_status_changed for the same message as a new event", async () => {
		const tenant = await rapidproTenant();
		await ingestOk(tenant, "rp", rapidproRequest(rapidproCurrentMsgEvent("msg_created")));
		const status = rapidproEvent("msg_status_changed", {
			uuid: "0197b335-7000-7a00-8000-000000000001",
			msg_uuid: EVENT_UUID,
			status: "delivered",
		});
		expect(await ingestOk(tenant, "rp", rapidproRequest(status))).toMatchObject({ duplicate: false });
		const events = await storedEvents(tenant);
		expect(events.map((e) => [e.type, e.data.id])).toEqual([
			["message.sent", EVENT_UUID],
			["message.status_changed", EVENT_UUID],
		]);
	});
});

describe("RapidPro ingest: bodies that do not fit", () => {
	it("answers malformed JSON with 400 malformed_body", async () => {
		const tenant = await rapidproTenant();
		const res = await postIngest(tenant, "rp", rapidproRequest('{"type": "msg_received",'));
		await expectProblem(res, 400, "malformed_body");
	});

	it("answers a form-encoded body with 415", async () => {
		const tenant = await rapidproTenant();
		const req = rapidproRequest("type=msg_received");
		const res = await postIngest(tenant, "rp", {
			...req,
			headers: { ...req.headers, "content-type": "application/x-www-form-urlencoded" },
		});
		await expectProblem(res, 415, "unsupported_media_type");
	});

	it.each(["[1]", '"x"', "null"])(
		"answers the JSON %s, which is not an object, with 400 and zod issues",
		async (raw) => {
			const tenant = await rapidproTenant();
			const res = await postIngest(tenant, "rp", rapidproRequest(raw));
			const body = await expectProblem(res, 400, "invalid_payload");
			expect(body.issues).toEqual([expect.objectContaining({ code: "invalid_type", expected: "object" })]);
			expect(await storedEvents(tenant)).toHaveLength(0);
		},
	);
});
