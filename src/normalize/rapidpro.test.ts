import { describe, expect, it } from "vitest";
import {
	CHANNEL,
	CONTACT_UUID,
	CREATED_ON,
	EVENT_UUID,
	RUN_UUID,
	rapidproCurrentMsgEvent,
	rapidproEvent,
	rapidproMsgEvent,
	rapidproResthook,
} from "../../test/builders/rapidpro";
import { identityUrn, normalizeRapidpro, parseAttachment } from "./rapidpro";
import type { NormalizedEvent } from "./types";

const MSG_UUID = "2d611e17-fb22-457f-b802-b8f7ec5cda5b";
const CALL_UUID = "0198ce92-ff2f-7b07-b158-b21ab168ebba";

function normalized(body: unknown): NormalizedEvent {
	const result = normalizeRapidpro({ body, headers: new Headers() });
	if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.issues)}`);
	return result.event;
}

describe("RapidPro message events", () => {
	it("maps msg_received to an inbound message.received from the contact's URN", () => {
		const event = normalized(rapidproMsgEvent("msg_received", { external_id: "SM123" }));
		expect(event).toMatchObject({
			provider_type: "msg_received",
			type: "message.received",
			occurred_at: "2026-03-04T05:06:07.123Z",
			dedupe_key: `msg_received:${MSG_UUID}`,
		});
		expect(event.data).toEqual({
			id: MSG_UUID,
			direction: "inbound",
			text: "hi there",
			from: "tel:+12065551212",
			to: null,
			channel: CHANNEL.uuid,
			attachments: [{ url: "https://s3.example.com/bucket/photo.jpg", content_type: "image/jpeg" }],
			status: null,
			error: null,
			conversation_id: null,
			contact_id: null,
		});
	});

	it("maps msg_created to an outbound message.sent to the contact's URN", () => {
		const event = normalized(rapidproMsgEvent("msg_created", { attachments: [] }));
		expect(event.type).toBe("message.sent");
		expect(event.data).toMatchObject({ direction: "outbound", from: null, to: "tel:+12065551212", attachments: [] });
	});

	it("maps ivr_created to message.sent: what a voice flow plays to the contact", () => {
		const msg = { text: "Press 1 to continue", attachments: ["audio:https://example.com/prompt.m4a"] };
		const event = normalized(rapidproMsgEvent("ivr_created", msg));
		expect(event).toMatchObject({ type: "message.sent", dedupe_key: `ivr_created:${MSG_UUID}` });
		expect(event.data).toMatchObject({
			direction: "outbound",
			text: "Press 1 to continue",
			attachments: [{ url: "https://example.com/prompt.m4a", content_type: "audio" }],
		});
	});

	it("maps a msg_created mailroom will not send to message.failed with the reason as error code", () => {
		const event = normalized(rapidproMsgEvent("msg_created", { unsendable_reason: "contact_blocked" }));
		expect(event.type).toBe("message.failed");
		expect(event.data).toMatchObject({ direction: "outbound", error: { code: "contact_blocked", message: null } });
	});

	it("prefers the newer goflow event uuid over the message uuid as dedupe key", () => {
		const event = normalized(rapidproMsgEvent("msg_received", {}, { uuid: "019688a6-41d2-7366-958a-630e35c62431" }));
		expect(event.dedupe_key).toBe("event:019688a6-41d2-7366-958a-630e35c62431");
	});

	it("reads the older flat msg_received shape (fields on the event, bare attachment URLs)", () => {
		const body = rapidproEvent("msg_received", {
			msg_uuid: MSG_UUID,
			urn: "tel:+12065551212?channel=abc#Bob",
			channel_uuid: CHANNEL.uuid,
			contact_uuid: CONTACT_UUID,
			text: "hi there",
			attachments: ["https://s3.example.com/bucket/photo.jpg"],
		});
		const event = normalized(body);
		expect(event.dedupe_key).toBe(`msg_received:${MSG_UUID}`);
		expect(event.data).toMatchObject({
			id: MSG_UUID,
			from: "tel:+12065551212",
			channel: CHANNEL.uuid,
			contact_id: CONTACT_UUID,
			attachments: [{ url: "https://s3.example.com/bucket/photo.jpg", content_type: null }],
		});
	});

	it("keeps nulls where a message event leaves fields out, and falls back to the body hash", () => {
		const event = normalized({ type: "msg_created", msg: {} });
		expect(event.occurred_at).toBeNull();
		expect(event.dedupe_key).toBeNull();
		expect(event.data).toMatchObject({ id: null, text: null, to: null, channel: null, attachments: [] });
	});
});

describe("RapidPro contact events", () => {
	it.each([
		["contact_field_changed", { field: { key: "gender", name: "Gender" }, value: { text: "Male" } }],
		["contact_groups_changed", { groups_added: [{ uuid: "g1", name: "Customers" }] }],
		["contact_language_changed", { language: "fra" }],
		["contact_timezone_changed", { timezone: "Africa/Kigali" }],
	])("maps %s to contact.updated and keeps the change in raw", (type, fields) => {
		const event = normalized(rapidproEvent(type, fields));
		expect(event).toMatchObject({ provider_type: type, type: "contact.updated", raw: fields });
		expect(event.data).toEqual({ id: null, name: null, phone: null, urn: null });
	});

	it("fills the name from contact_name_changed", () => {
		const event = normalized(rapidproEvent("contact_name_changed", { name: "Bob Smith" }));
		expect(event.data).toEqual({ id: null, name: "Bob Smith", phone: null, urn: null });
	});

	it("fills urn and phone from contact_urns_changed, the first tel URN giving the phone", () => {
		const event = normalized(rapidproEvent("contact_urns_changed", { urns: ["twitter:bob", "tel:+12345678900"] }));
		expect(event.data).toEqual({ id: null, name: null, phone: "+12345678900", urn: "twitter:bob" });
	});

	it("fills the whole contact from contact_refreshed", () => {
		const contact = { uuid: CONTACT_UUID, name: "Bob", urns: ["tel:+11231234567?channel=x&id=1"] };
		const event = normalized(rapidproEvent("contact_refreshed", { contact }));
		expect(event.data).toEqual({ id: CONTACT_UUID, name: "Bob", phone: "+11231234567", urn: "tel:+11231234567" });
	});
});

describe("RapidPro passthrough events", () => {
	it.each([
		"msg_wait",
		"broadcast_created",
		"email_created",
		"environment_refreshed",
		"error",
		"flow_entered",
		"input_labels_added",
		"resthook_called",
		"run_result_changed",
		"session_triggered",
		"wait_timed_out",
		"webhook_called",
	])("passes %s through as rapidpro.<type> with empty data and the whole payload", (type) => {
		const body = rapidproEvent(type, { extra: { kept: true } });
		const event = normalized(body);
		expect(event).toEqual({
			provider_type: type,
			type: `rapidpro.${type}`,
			occurred_at: "2026-03-04T05:06:07.123Z",
			data: {},
			subject: null,
			raw: body,
			dedupe_key: null,
		});
	});

	it("keys run_expired on its run uuid", () => {
		const event = normalized(rapidproEvent("run_expired", { run_uuid: RUN_UUID }));
		expect(event).toMatchObject({ type: "rapidpro.run_expired", dedupe_key: `run_expired:${RUN_UUID}` });
	});

	it.each(["run_started", "run_ended", "llm_called", "msg_deleted", "ticket_opened", "call_missed", "optin_started"])(
		"passes the newer goflow type %s through as itself, keyed on its event uuid",
		(type) => {
			const event = normalized(rapidproEvent(type, { uuid: EVENT_UUID }));
			expect(event).toMatchObject({ type: `rapidpro.${type}`, data: {}, dedupe_key: `event:${EVENT_UUID}` });
		},
	);

	it("passes a type goflow does not have yet through as itself when the body has an event's shape", () => {
		const event = normalized({ uuid: EVENT_UUID, type: "quantum_leaped", created_on: CREATED_ON });
		expect(event).toMatchObject({ provider_type: "quantum_leaped", type: "rapidpro.quantum_leaped" });
	});
});

describe("RapidPro current catalog (goflow mid-2025 on)", () => {
	it("takes a msg_received's id from its event uuid when the msg object has none", () => {
		const event = normalized(rapidproCurrentMsgEvent("msg_received"));
		expect(event).toMatchObject({ type: "message.received", dedupe_key: `event:${EVENT_UUID}` });
		expect(event.data).toMatchObject({ id: EVENT_UUID, direction: "inbound", from: "tel:+12065551212" });
	});

	it("maps msg_status_changed to message.status_changed for the message its msg_uuid names", () => {
		const body = rapidproEvent("msg_status_changed", { uuid: EVENT_UUID, msg_uuid: MSG_UUID, status: "delivered" });
		const event = normalized(body);
		expect(event).toMatchObject({ type: "message.status_changed", dedupe_key: `event:${EVENT_UUID}` });
		expect(event.data).toMatchObject({ id: MSG_UUID, direction: "outbound", status: "delivered", error: null });
	});

	it("maps a failed msg_status_changed to message.failed with its reason as error code", () => {
		const body = rapidproEvent("msg_status_changed", {
			uuid: EVENT_UUID,
			msg_uuid: MSG_UUID,
			status: "failed",
			reason: "error_limit",
		});
		const event = normalized(body);
		expect(event.type).toBe("message.failed");
		expect(event.data).toMatchObject({ id: MSG_UUID, status: "failed", error: { code: "error_limit", message: null } });
	});

	it("maps call_created and call_received to call.created, outbound and inbound, with the call's uuid", () => {
		const call = { uuid: CALL_UUID, urn: "tel:+593990000111", channel: CHANNEL };
		const out = normalized(rapidproEvent("call_created", { uuid: EVENT_UUID, call }));
		expect(out).toMatchObject({ type: "call.created", dedupe_key: `event:${EVENT_UUID}` });
		expect(out.data).toEqual({
			id: CALL_UUID,
			status: null,
			direction: "outbound",
			from: null,
			to: "tel:+593990000111",
			hangup_reason: null,
		});
		const inbound = normalized(rapidproEvent("call_received", { uuid: EVENT_UUID, call }));
		expect(inbound.data).toMatchObject({ id: CALL_UUID, direction: "inbound", from: "tel:+593990000111", to: null });
	});

	it("maps contact_status_changed to contact.updated, and to contact.unsubscribed when stopped", () => {
		expect(normalized(rapidproEvent("contact_status_changed", { status: "blocked" })).type).toBe("contact.updated");
		expect(normalized(rapidproEvent("contact_status_changed", { status: "stopped" })).type).toBe(
			"contact.unsubscribed",
		);
	});
});

describe("RapidPro bodies without a type", () => {
	it("stores the default resthook payload as rapidpro.resthook, not as a second message.received", () => {
		const body = rapidproResthook();
		expect(normalized(body)).toEqual({
			provider_type: "resthook",
			type: "rapidpro.resthook",
			occurred_at: null,
			data: {},
			subject: `contact:${(body.contact as { uuid: string }).uuid}`,
			raw: body,
			dedupe_key: null,
		});
	});

	it("stores a hand-written call_webhook body as rapidpro.webhook", () => {
		const event = normalized({ order: 42, phone: "+12065551212" });
		expect(event).toMatchObject({ provider_type: "webhook", type: "rapidpro.webhook", data: {} });
	});

	it("stores a hand-written body whose own type is not a goflow event as rapidpro.webhook, keyed on its hash", () => {
		const body = { type: "registration", phone: "+593990000111" };
		expect(normalized(body)).toEqual({
			provider_type: "webhook",
			type: "rapidpro.webhook",
			occurred_at: null,
			data: {},
			subject: null,
			raw: body,
			dedupe_key: null,
		});
	});
});

describe("RapidPro payloads that do not fit", () => {
	it.each([[[1]], ["x"], [null], [42]])("rejects %j with zod issues", (body) => {
		const result = normalizeRapidpro({ body, headers: new Headers() });
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.issues[0]).toMatchObject({ code: "invalid_type", expected: "object" });
	});

	it("rejects a non-string or empty type", () => {
		expect(normalizeRapidpro({ body: { type: 5 }, headers: new Headers() }).ok).toBe(false);
		expect(normalizeRapidpro({ body: { type: "" }, headers: new Headers() }).ok).toBe(false);
	});

	it("ignores an event uuid too long to be a key", () => {
		const event = normalized(rapidproMsgEvent("msg_received", {}, { uuid: "x".repeat(201) }));
		expect(event.dedupe_key).toBe(`msg_received:${MSG_UUID}`);
	});
});

describe("RapidPro field readers", () => {
	it.each([
		["image/jpeg:https://x.test/a.jpg", { url: "https://x.test/a.jpg", content_type: "image/jpeg" }],
		["geo:-2.90875,-79.0117686", { url: "-2.90875,-79.0117686", content_type: "geo" }],
		["https://x.test/a.jpg", { url: "https://x.test/a.jpg", content_type: null }],
		["no-colon", { url: "no-colon", content_type: null }],
	])("parses the attachment %s", (value, expected) => {
		expect(parseAttachment(value)).toEqual(expected);
	});

	it("drops a URN's query and display fragment", () => {
		expect(identityUrn("tel:+1555?channel=abc&id=3#Bob")).toBe("tel:+1555");
		expect(identityUrn("?x")).toBeNull();
		expect(identityUrn(7)).toBe("7");
	});
});
