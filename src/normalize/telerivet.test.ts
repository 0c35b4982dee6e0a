import { describe, expect, it } from "vitest";
import {
	CONTACT_ID,
	formBody,
	MESSAGE_ID,
	PROJECT_ID,
	TELERIVET_SECRET,
	type TelerivetFields,
	telerivetEvent,
	telerivetIncoming,
	telerivetStatus,
} from "../../test/builders/telerivet";
import { parseForm } from "./body";
import { normalizeTelerivet } from "./telerivet";
import type { NormalizedEvent } from "./types";

/** Normalizes fields the way ingest does: encoded as a form, parsed back, then normalized. */
function normalized(fields: TelerivetFields): NormalizedEvent {
	const result = normalizeTelerivet({ body: parseForm(formBody(fields)), headers: new Headers() });
	if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.issues)}`);
	return result.event;
}

describe("Telerivet incoming_message", () => {
	it("maps to an inbound message.received with every field", () => {
		const event = normalized(telerivetIncoming());
		expect(event).toMatchObject({
			provider_type: "incoming_message",
			type: "message.received",
			occurred_at: "2026-05-06T07:08:09.000Z",
			dedupe_key: `incoming_message:${MESSAGE_ID}`,
		});
		expect(event.data).toEqual({
			id: MESSAGE_ID,
			direction: "inbound",
			text: "Hello world",
			from: "+16505550123",
			to: "+16505550199",
			channel: "sms",
			attachments: [],
			status: null,
			error: null,
			conversation_id: null,
			contact_id: CONTACT_ID,
		});
	});

	it("falls back to from_number when there is no E.164 form (a chat channel, say)", () => {
		const event = normalized(telerivetIncoming({ from_number_e164: "", from_number: "@ada", message_type: "chat" }));
		expect(event.data).toMatchObject({ from: "@ada", channel: "chat" });
	});

	it("keeps every field in raw, including custom vars, as strings", () => {
		const event = normalized(telerivetIncoming({ "vars[lang]": "sw", service_id: "SV1" }));
		expect(event.raw).toMatchObject({
			"vars[lang]": "sw",
			service_id: "SV1",
			project_id: PROJECT_ID,
			phone_id: "PN0a1b2c3d4e5f6a7b",
		});
	});

	it("leaves occurred_at null when time_created is missing or not a unix time", () => {
		expect(normalized(telerivetIncoming({ time_created: "" })).occurred_at).toBeNull();
		expect(normalized(telerivetIncoming({ time_created: "yesterday" })).occurred_at).toBeNull();
	});
});

describe("Telerivet send_status", () => {
	it.each(["failed", "failed_queued", "not_delivered"])("maps status %s to an outbound message.failed", (status) => {
		const event = normalized(telerivetStatus(status, { error_message: "Invalid destination" }));
		expect(event.type).toBe("message.failed");
		expect(event.data).toEqual({
			id: MESSAGE_ID,
			direction: "outbound",
			text: null,
			from: "+16505550199",
			to: "+16505550123",
			channel: "sms",
			attachments: [],
			status,
			error: { code: null, message: "Invalid destination" },
			conversation_id: null,
			contact_id: CONTACT_ID,
		});
	});

	it("carries the failure's error_code beside its error_message", () => {
		const fields = { error_code: "30007", error_message: "Message filtered by the carrier" };
		expect(normalized(telerivetStatus("failed", fields)).data).toMatchObject({
			error: { code: "30007", message: "Message filtered by the carrier" },
		});
	});

	it("gives a failure without an error_message an empty error, so it still reads as an error", () => {
		expect(normalized(telerivetStatus("failed")).data).toMatchObject({ error: { code: null, message: null } });
	});

	it.each(["ignored", "processing", "received", "sent", "queued", "cancelled", "delivered", "read"])(
		"maps status %s to message.status_changed with no error",
		(status) => {
			const event = normalized(telerivetStatus(status));
			expect(event).toMatchObject({ type: "message.status_changed", provider_type: "send_status" });
			expect(event.data).toMatchObject({ direction: "outbound", status, error: null });
		},
	);

	it("keys dedupe on the message id and status: each status is its own event", () => {
		expect(normalized(telerivetStatus("sent")).dedupe_key).toBe(`send_status:${MESSAGE_ID}:sent`);
		expect(normalized(telerivetStatus("delivered")).dedupe_key).toBe(`send_status:${MESSAGE_ID}:delivered`);
	});

	it("dates a status by the latest time it states: time_sent over time_created", () => {
		expect(normalized(telerivetStatus("sent", { time_sent: "1778051300" })).occurred_at).toBe(
			"2026-05-06T07:08:20.000Z",
		);
		expect(normalized(telerivetStatus("queued")).occurred_at).toBe("2026-05-06T07:08:09.000Z");
	});
});

describe("Telerivet events without a canonical type", () => {
	it.each(["send_broadcast", "contact_update", "message_metadata", "something_new"])(
		"passes %s through as telerivet.<event> with empty data and the whole payload in raw",
		(name) => {
			const event = normalized(telerivetEvent(name, { id: "XY1", time_created: "1778051289", "vars[x]": "1" }));
			expect(event).toEqual({
				provider_type: name,
				type: `telerivet.${name}`,
				occurred_at: "2026-05-06T07:08:09.000Z",
				data: {},
				subject: null,
				raw: { event: name, project_id: PROJECT_ID, id: "XY1", time_created: "1778051289", "vars[x]": "1" },
				dedupe_key: null,
			});
		},
	);
});

describe("Telerivet payload handling", () => {
	it.each([
		["a form secret", telerivetIncoming({ secret: TELERIVET_SECRET })],
		["a repeated form secret", telerivetIncoming({ secret: [TELERIVET_SECRET, "x"] })],
		["a secret on a passthrough event", telerivetEvent("contact_update", { secret: TELERIVET_SECRET })],
	])("removes %s from raw", (_what, fields) => {
		const event = normalized(fields);
		expect(event.raw).not.toHaveProperty("secret");
		expect(JSON.stringify(event.raw)).not.toContain(TELERIVET_SECRET);
	});

	it("rejects a body without an event with a zod issue on `event`", () => {
		const result = normalizeTelerivet({ body: parseForm("id=SM1&content=hi"), headers: new Headers() });
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.issues[0]?.path).toEqual(["event"]);
	});

	it("rejects a repeated event: which one happened is ambiguous", () => {
		const result = normalizeTelerivet({
			body: parseForm("event=incoming_message&event=send_status"),
			headers: new Headers(),
		});
		expect(result.ok).toBe(false);
	});

	it("falls back to a body hash for dedupe when the id is missing, repeated or too long", () => {
		expect(normalized(telerivetIncoming({ id: "" })).dedupe_key).toBeNull();
		expect(normalized(telerivetIncoming({ id: ["SM1", "SM2"] })).dedupe_key).toBeNull();
		expect(normalized(telerivetIncoming({ id: "S".repeat(201) })).dedupe_key).toBeNull();
	});

	it("keeps a `__proto__` field as a plain key in raw, never as a prototype", () => {
		const result = normalizeTelerivet({
			body: parseForm("event=incoming_message&__proto__=x"),
			headers: new Headers(),
		});
		if (!result.ok) throw new Error("expected ok");
		expect(Object.getPrototypeOf(result.event.raw)).toBe(Object.prototype);
		expect(Object.getOwnPropertyDescriptor(result.event.raw, "__proto__")?.value).toBe("x");
	});
});
