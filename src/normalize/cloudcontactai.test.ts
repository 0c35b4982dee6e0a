import { describe, expect, it } from "vitest";
import { normalizeCloudcontactai, parseUnsubscribedAt, smsSidOf } from "./cloudcontactai";
import type { NormalizedEvent } from "./types";

const headers = new Headers();

function normalize(body: unknown): NormalizedEvent {
	const result = normalizeCloudcontactai({ body, headers });
	if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.issues)}`);
	return result.event;
}

const SENT = {
	SmsSid: 12345,
	MessageStatus: "DELIVERED",
	To: "+15550002222",
	Message: "Your order has shipped.",
	CustomData: "order_id:12345",
	ClientExternalId: "customer_abc123",
	CampaignId: 67890,
	CampaignTitle: "Order Notifications",
	Segments: 2,
	TotalPrice: 0.02,
};

describe("normalizeCloudcontactai: types", () => {
	it.each([
		["message.incoming", "message.received"],
		["message.received", "message.received"],
		["message.sent", "message.sent"],
		["message.error.carrier", "message.failed"],
		["message.error.cloudcontact", "message.failed"],
		["message.excluded", "message.failed"],
		["contact.unsubscribed", "contact.unsubscribed"],
	])("maps %s to %s", (eventType, canonical) => {
		const event = normalize({ eventType, data: {}, eventHash: "h" });
		expect(event).toMatchObject({ provider_type: eventType, type: canonical });
	});

	it("passes an unknown type through with empty data and the whole payload in raw", () => {
		const body = { eventType: "campaign.finished", data: { CampaignId: 1, Extra: { nested: true } }, eventHash: "h1" };
		expect(normalize(body)).toEqual({
			provider_type: "campaign.finished",
			type: "cloudcontactai.campaign.finished",
			occurred_at: null,
			data: {},
			subject: null,
			raw: body,
			dedupe_key: "hash:h1",
		});
	});

	it("does not mistake an Object.prototype name for a known type", () => {
		expect(normalize({ eventType: "constructor", data: {} }).type).toBe("cloudcontactai.constructor");
	});
});

describe("normalizeCloudcontactai: message fields", () => {
	it("maps a message.sent to an outbound message with every field", () => {
		const event = normalize({ eventType: "message.sent", data: SENT, eventHash: "h" });
		expect(event.occurred_at).toBeNull();
		expect(event.data).toEqual({
			id: "12345",
			direction: "outbound",
			text: "Your order has shipped.",
			from: null,
			to: "+15550002222",
			channel: null,
			attachments: [],
			status: "DELIVERED",
			error: null,
			conversation_id: null,
			contact_id: "customer_abc123",
		});
	});

	it("maps a message.incoming to an inbound message without an id (SmsSid 0)", () => {
		const data = { SmsSid: 0, MessageStatus: "RECEIVED", To: "+15550009999", From: "+15550002222", Message: "Yes" };
		expect(normalize({ eventType: "message.incoming", data }).data).toMatchObject({
			id: null,
			direction: "inbound",
			from: "+15550002222",
			to: "+15550009999",
			text: "Yes",
			status: "RECEIVED",
		});
	});

	it("carries a carrier error's code and message in data.error", () => {
		const data = {
			...SENT,
			MessageStatus: "FAILED",
			ErrorCode: "30008",
			ErrorMessage: "Unknown destination handset",
			ErrorType: "carrier",
		};
		expect(normalize({ eventType: "message.error.carrier", data }).data).toMatchObject({
			status: "FAILED",
			error: { code: "30008", message: "Unknown destination handset" },
		});
	});

	it("gives a failure an error object even when CCAI names no cause", () => {
		expect(normalize({ eventType: "message.error.cloudcontact", data: {} }).data).toMatchObject({
			error: { code: null, message: null },
		});
	});

	it("carries an exclusion's reason as the error message", () => {
		const data = { SmsSid: 0, MessageStatus: "EXCLUDED", ExcludedReason: "Duplicate phone number in campaign" };
		expect(normalize({ eventType: "message.excluded", data }).data).toMatchObject({
			id: null,
			direction: "outbound",
			status: "EXCLUDED",
			error: { code: null, message: "Duplicate phone number in campaign" },
		});
	});

	it("reads null and missing fields as null", () => {
		const data = { SmsSid: null, To: null, Message: "", ClientExternalId: "" };
		expect(normalize({ eventType: "message.sent", data }).data).toMatchObject({
			id: null,
			to: null,
			text: null,
			contact_id: null,
			status: null,
		});
	});
});

describe("normalizeCloudcontactai: contact.unsubscribed", () => {
	it("maps ContactData and UnsubscribedAt", () => {
		const data = {
			UnsubscribedAt: "2026-05-06T07:08:09Z",
			ContactData: { Id: 4242, FirstName: "Ada", LastName: "Lovelace", Phone: "+15550002222" },
		};
		const event = normalize({ eventType: "contact.unsubscribed", data, eventHash: "h" });
		expect(event.occurred_at).toBe("2026-05-06T07:08:09.000Z");
		expect(event.data).toEqual({ id: "4242", name: "Ada Lovelace", phone: "+15550002222", urn: "tel:+15550002222" });
	});

	it("falls back to the event's own From and ClientExternalId without ContactData", () => {
		const data = { From: "+15550002222", To: "+15550009999", ClientExternalId: "ext-1" };
		expect(normalize({ eventType: "contact.unsubscribed", data }).data).toEqual({
			id: "ext-1",
			name: null,
			phone: "+15550002222",
			urn: "tel:+15550002222",
		});
	});

	it("leaves occurred_at null when UnsubscribedAt does not parse", () => {
		expect(normalize({ eventType: "contact.unsubscribed", data: { UnsubscribedAt: "soon" } }).occurred_at).toBeNull();
		expect(normalize({ eventType: "contact.unsubscribed", data: {} }).occurred_at).toBeNull();
	});
});

describe("parseUnsubscribedAt and smsSidOf", () => {
	it("reads ISO, unix seconds and unix milliseconds", () => {
		expect(parseUnsubscribedAt("2026-05-06T07:08:09+02:00")).toBe("2026-05-06T05:08:09.000Z");
		expect(parseUnsubscribedAt(1_767_225_600)).toBe("2026-01-01T00:00:00.000Z");
		expect(parseUnsubscribedAt("1767225600")).toBe("2026-01-01T00:00:00.000Z");
		expect(parseUnsubscribedAt(1_767_225_600_000)).toBe("2026-01-01T00:00:00.000Z");
		expect(parseUnsubscribedAt(null)).toBeNull();
	});

	it("treats SmsSid 0 (number or string) as no id", () => {
		expect(smsSidOf({ SmsSid: 0 })).toBeNull();
		expect(smsSidOf({ SmsSid: "0" })).toBeNull();
		expect(smsSidOf({ SmsSid: 7 })).toBe("7");
		expect(smsSidOf({ SmsSid: "SM7" })).toBe("SM7");
	});
});

describe("normalizeCloudcontactai: what the server really sends", () => {
	// The shape of a captured 2025 request: no SmsSid, a numeric data.id, status SENT, no eventHash.
	const captured = {
		eventType: "message.sent",
		data: { id: 142065, MessageStatus: "SENT", To: "+14155550142", Message: "Your table is ready." },
	};

	it("carries data.id as the message id when there is no SmsSid", () => {
		const event = normalize(captured);
		expect(event.type).toBe("message.sent");
		expect(event.data).toMatchObject({ id: "142065", status: "SENT", to: "+14155550142", direction: "outbound" });
	});

	it("keys a message without eventHash on its type and data.id", () => {
		expect(normalize(captured).dedupe_key).toBe("message.sent:142065");
	});

	it("prefers a real SmsSid over data.id", () => {
		const event = normalize({ eventType: "message.sent", data: { ...captured.data, SmsSid: "SM9" } });
		expect(event.data).toMatchObject({ id: "SM9" });
	});

	it("carries data.id on an error event too, with its code and message", () => {
		const data = { id: 142065, MessageStatus: "FAILED", ErrorCode: "30007", ErrorMessage: "Carrier violation" };
		const event = normalize({ eventType: "message.error.carrier", data });
		expect(event.data).toMatchObject({ id: "142065", error: { code: "30007", message: "Carrier violation" } });
		expect(event.dedupe_key).toBe("message.error.carrier:142065");
	});
});

describe("normalizeCloudcontactai: dedupe", () => {
	it("keys on eventHash when there is one", () => {
		expect(normalize({ eventType: "message.sent", data: SENT, eventHash: "abc" }).dedupe_key).toBe("hash:abc");
	});

	it("falls back to (eventType, SmsSid) when SmsSid is not 0", () => {
		expect(normalize({ eventType: "message.sent", data: SENT }).dedupe_key).toBe("message.sent:12345");
		expect(normalize({ eventType: "message.sent", data: SENT, eventHash: null }).dedupe_key).toBe("message.sent:12345");
	});

	it("leaves the key to the body hash when neither is usable", () => {
		expect(normalize({ eventType: "message.incoming", data: { SmsSid: 0 } }).dedupe_key).toBeNull();
	});

	it("keys on an eventHash of any length (ingest hashes keys too long to store)", () => {
		const long = "x".repeat(600);
		expect(normalize({ eventType: "message.sent", data: {}, eventHash: long }).dedupe_key).toBe(`hash:${long}`);
	});
});

describe("normalizeCloudcontactai: schema", () => {
	it.each([
		["no eventType", { data: {} }],
		["no data", { eventType: "message.sent" }],
		["a non-object data", { eventType: "message.sent", data: "x" }],
		["an empty eventType", { eventType: "", data: {} }],
		["a numeric eventHash", { eventType: "message.sent", data: {}, eventHash: 5 }],
		["an array", [1, 2]],
	])("rejects a body with %s, with zod issues", (_what, body) => {
		const result = normalizeCloudcontactai({ body, headers });
		expect(result.ok).toBe(false);
		expect(!result.ok && result.issues.length).toBeGreaterThan(0);
	});
});
