import { describe, expect, it } from "vitest";
import {
	voxsigContact,
	voxsigConversation,
	voxsigMessage,
	voxsigTyping,
	voxsigWidget,
} from "../../test/builders/voxsig";
import type { NormalizedEvent } from "./types";
import { messageTypeOf, normalizeVoxsig, normalizeVoxsigWith, withoutSecrets } from "./voxsig";

const headers = new Headers();

/** Normalizes and expects success. */
function normalized(body: unknown, h: Headers = headers): NormalizedEvent {
	const r = normalizeVoxsig({ body, headers: h });
	if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.issues)}`);
	return r.event;
}

describe("messageTypeOf", () => {
	it("reads Chatwoot's enum names and the integers of the older document", () => {
		expect([0, 1, 2, 3].map(messageTypeOf)).toEqual(["incoming", "outgoing", "activity", "template"]);
		expect(["incoming", "outgoing", "activity", "template"].map(messageTypeOf)).toEqual([
			"incoming",
			"outgoing",
			"activity",
			"template",
		]);
		expect([4, "inbound", null, "constructor"].map(messageTypeOf)).toEqual([null, null, null, null]);
	});
});

describe("normalizeVoxsig: messages", () => {
	it("maps an incoming message_created to message.received with every field", () => {
		const event = normalized(voxsigMessage());
		expect(event).toMatchObject({ provider_type: "message_created", type: "message.received" });
		expect(event.occurred_at).toBe("2026-01-01T00:00:00.000Z");
		expect(event.data).toEqual({
			id: "118",
			direction: "inbound",
			text: "hi there",
			from: "+15550001111",
			to: null,
			channel: "1",
			attachments: [],
			status: null,
			error: null,
			conversation_id: "10",
			contact_id: "14",
		});
	});

	it("reads message_type as a string or an integer", () => {
		expect(normalized(voxsigMessage("message_created", { message_type: 0 })).type).toBe("message.received");
		expect(normalized(voxsigMessage("message_created", { message_type: 1 })).type).toBe("message.sent");
		expect(normalized(voxsigMessage("message_created", { message_type: "outgoing" })).type).toBe("message.sent");
	});

	it("maps an agent's outgoing message to message.sent, addressed to the conversation's contact", () => {
		const agent = { id: 1, name: "John", email: "john@acme.test", type: "user" };
		const event = normalized(voxsigMessage("message_created", { message_type: 1, sender: agent }));
		expect(event.data).toMatchObject({ direction: "outbound", from: null, to: "+15550001111", contact_id: "14" });
	});

	it("treats a template (greeting, form, CSAT) as sent, and activity and private notes as passthrough", () => {
		expect(normalized(voxsigMessage("message_created", { message_type: 3 })).type).toBe("message.sent");
		const activity = normalized(voxsigMessage("message_created", { message_type: "activity" }));
		expect(activity).toMatchObject({ type: "voxsig.message_created", data: {} });
		const note = normalized(voxsigMessage("message_created", { message_type: "outgoing", private: true }));
		expect(note).toMatchObject({ type: "voxsig.message_created", data: {} });
		expect(normalized(voxsigMessage("message_created", { message_type: 9 })).type).toBe("voxsig.message_created");
	});

	it("reads created_at as unix seconds, ISO 8601 or Chatwoot's old 'UTC' text", () => {
		const at = (created_at: unknown) => normalized(voxsigMessage("message_created", { created_at })).occurred_at;
		expect(at(1_767_225_600)).toBe("2026-01-01T00:00:00.000Z");
		expect(at("2026-01-01T00:00:00.000Z")).toBe("2026-01-01T00:00:00.000Z");
		expect(at("2020-03-03 13:05:57 UTC")).toBe("2020-03-03T13:05:57.000Z");
		expect(at("not a time")).toBeNull();
	});

	it("maps message_updated to message.updated, with the delivery status and its error", () => {
		const event = normalized(
			voxsigMessage("message_updated", {
				message_type: "outgoing",
				status: "failed",
				content_attributes: { external_error: "131047: Re-engagement message" },
			}),
		);
		expect(event.type).toBe("message.updated");
		// Chatwoot does not say when the update happened: created_at is the message's, not the change's.
		expect(event.occurred_at).toBeNull();
		expect(event.data).toMatchObject({
			direction: "outbound",
			status: "failed",
			error: { code: null, message: "131047: Re-engagement message" },
		});
	});

	it("lists attachments by URL with Chatwoot's file kind", () => {
		const attachments = [
			{ id: 1, file_type: "image", data_url: "https://cw.test/a.jpg", thumb_url: "" },
			{ id: 2, file_type: "location", data_url: "" },
		];
		const event = normalized(voxsigMessage("message_created", { attachments }));
		expect(event.data).toMatchObject({ attachments: [{ url: "https://cw.test/a.jpg", content_type: "image" }] });
	});

	it("accepts the PROVIDERS.md vector body, whose message carries no sender or conversation", () => {
		const event = normalized({ event: "message_created", id: 98765, content: "Hi", message_type: "incoming" });
		expect(event).toMatchObject({ type: "message.received", occurred_at: null, dedupe_key: "message_created:98765" });
		expect(event.data).toMatchObject({ id: "98765", text: "Hi", from: null, conversation_id: null, contact_id: null });
	});
});

describe("normalizeVoxsig: conversations and contacts", () => {
	it.each([
		["conversation_created", "conversation.created", "2026-01-01T00:00:00.000Z"],
		["conversation_updated", "conversation.updated", "2026-01-01T00:00:00.123Z"],
		["conversation_status_changed", "conversation.status_changed", "2026-01-01T00:00:00.123Z"],
		["conversation_resolved", "conversation.status_changed", "2026-01-01T00:00:00.123Z"],
		["conversation_opened", "conversation.status_changed", "2026-01-01T00:00:00.123Z"],
	])("maps %s to %s", (provider, canonical, occurredAt) => {
		const created = { created_at: 1_767_225_600 };
		const event = normalized(voxsigConversation(provider, created));
		expect(event).toMatchObject({ provider_type: provider, type: canonical, occurred_at: occurredAt });
		expect(event.data).toEqual({ id: "10", status: "open", inbox: "1", assignee: "1", contact_id: "14" });
	});

	it("falls back to contact_inbox for the contact of an unassigned conversation", () => {
		const event = normalized(voxsigConversation("conversation_created", { meta: { assignee: null } }));
		expect(event.data).toMatchObject({ assignee: null, contact_id: "14" });
	});

	it.each([
		["contact_created", "contact.created"],
		["contact_updated", "contact.updated"],
	])("maps %s to %s", (provider, canonical) => {
		const event = normalized(voxsigContact(provider));
		expect(event.type).toBe(canonical);
		expect(event.data).toEqual({ id: "14", name: "Jane Doe", phone: "+15550001111", urn: "tel:+15550001111" });
	});

	it("gives a contact without a phone a mailto: URN, and one with neither none", () => {
		expect(normalized(voxsigContact("contact_created", { phone_number: null })).data).toMatchObject({
			phone: null,
			urn: "mailto:jane@acme.test",
		});
		expect(normalized(voxsigContact("contact_created", { phone_number: "", email: null })).data).toMatchObject({
			urn: null,
		});
	});
});

describe("normalizeVoxsig: passthrough", () => {
	it.each([
		["conversation_typing_on", voxsigTyping("conversation_typing_on")],
		["conversation_typing_off", voxsigTyping("conversation_typing_off")],
		["webwidget_triggered", voxsigWidget()],
		["inbox_created", { event: "inbox_created", id: 3, name: "Support" }],
	])("passes %s through as voxsig.<event> with the whole payload", (provider, body) => {
		const event = normalized(body);
		expect(event).toMatchObject({ provider_type: provider, type: `voxsig.${provider}`, data: {}, occurred_at: null });
		expect(event.raw).toEqual(withoutSecrets(body));
	});

	it("rejects a payload without an event name, or one that is not an object", () => {
		expect(normalizeVoxsig({ body: { id: 1, content: "hi" }, headers }).ok).toBe(false);
		expect(normalizeVoxsig({ body: { event: "" }, headers }).ok).toBe(false);
		expect(normalizeVoxsig({ body: [{ event: "message_created" }], headers }).ok).toBe(false);
	});
});

describe("normalizeVoxsig: raw and dedupe", () => {
	it("keeps unknown fields and strips pubsub_token credentials at any depth", () => {
		const event = normalized(voxsigMessage("message_created", { echo_id: "e-1" }));
		const raw = JSON.stringify(event.raw);
		expect(raw).toContain('"echo_id":"e-1"');
		expect(raw).not.toContain("pubsub_token");
		expect(raw).toContain('"phone_number":"+15550001111"');
	});

	it("keys a creation on its id whatever the delivery header says: Chatwoot may dispatch it twice", () => {
		const h = new Headers({ "x-chatwoot-delivery": "7f0c1e2a-9d3b-4c8e-a1f2-0b9c8d7e6f5a" });
		expect(normalized(voxsigMessage(), h).dedupe_key).toBe("message_created:118");
		expect(normalized(voxsigContact("contact_created"), h).dedupe_key).toBe("contact_created:14");
		expect(normalized(voxsigConversation("conversation_updated"), h).dedupe_key).toBe(
			"conversation_updated:10:1767225600.123456",
		);
	});

	it("keys an event without an id on the delivery header, read from the header name it is given", () => {
		const h = new Headers({ "x-voxsig-delivery": "d-1", "x-chatwoot-delivery": "d-2" });
		const r = normalizeVoxsigWith({ body: voxsigTyping("conversation_typing_on"), headers: h }, "x-voxsig-delivery");
		expect(r.ok && r.event.dedupe_key).toBe("delivery:d-1");
	});

	it("ignores a delivery id unfit for a key and falls back to the body hash", () => {
		const h = new Headers({ "x-chatwoot-delivery": "x".repeat(300) });
		expect(normalized(voxsigTyping("conversation_typing_on"), h).dedupe_key).toBeNull();
	});

	it("keys message_updated on the body, not on the delivery: each update is its own event", () => {
		const h = new Headers({ "x-chatwoot-delivery": "7f0c1e2a-9d3b-4c8e-a1f2-0b9c8d7e6f5a" });
		expect(normalized(voxsigMessage("message_updated"), h).dedupe_key).toBeNull();
	});

	it("leaves changes without updated_at, and events without id, to the body hash", () => {
		expect(normalized(voxsigMessage("message_updated")).dedupe_key).toBeNull();
		expect(normalized(voxsigContact("contact_updated")).dedupe_key).toBeNull();
		expect(normalized(voxsigTyping("conversation_typing_on")).dedupe_key).toBeNull();
		expect(normalized(voxsigWidget()).dedupe_key).toBeNull();
	});
});
