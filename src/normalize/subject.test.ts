import { describe, expect, it } from "vitest";
import { ccaiMessage, ccaiUnsubscribed } from "../../test/builders/cloudcontactai";
import { rapidproEvent, rapidproMsgEvent, rapidproResthook } from "../../test/builders/rapidpro";
import { telerivetEvent, telerivetIncoming, telerivetStatus } from "../../test/builders/telerivet";
import {
	voipbinCall,
	voipbinConversation,
	voipbinConversationMessage,
	voipbinMessage,
} from "../../test/builders/voipbin";
import {
	voxsigContact,
	voxsigConversation,
	voxsigMessage,
	voxsigTyping,
	voxsigWidget,
} from "../../test/builders/voxsig";
import { normalizeCloudcontactai } from "./cloudcontactai";
import { normalizeRapidpro } from "./rapidpro";
import { normalizeStandardWebhooks } from "./standardwebhooks";
import { subjectOf } from "./subject";
import { normalizeTelerivet } from "./telerivet";
import type { Normalizer } from "./types";
import { normalizeVoipbin } from "./voipbin";
import { normalizeVoxsig } from "./voxsig";

function subject(normalize: Normalizer<never>, body: unknown, headers = new Headers()): string | null {
	const result = normalize({ body, headers });
	if (!result.ok) throw new Error(JSON.stringify(result.issues));
	return result.event.subject;
}

const message = {
	id: "m1",
	direction: "inbound" as const,
	text: null,
	from: "+15550001111",
	to: "+15550002222",
	channel: null,
	attachments: [],
	status: null,
	error: null,
	conversation_id: null,
	contact_id: "c9",
};

describe("subjectOf", () => {
	it("puts a message under its conversation when the provider has one", () => {
		expect(subjectOf("message.received", { ...message, conversation_id: "10" })).toBe("conversation:10");
	});

	it("else under the contact it was exchanged with: the sender of an inbound one, the recipient of an outbound one", () => {
		expect(subjectOf("message.received", message)).toBe("contact:+15550001111");
		expect(subjectOf("message.status_changed", { ...message, direction: "outbound" })).toBe("contact:+15550002222");
	});

	it("falls back to the contact id, then to null", () => {
		expect(subjectOf("message.failed", { ...message, from: null, to: null })).toBe("contact:c9");
		expect(subjectOf("message.failed", { ...message, from: null, to: null, contact_id: null })).toBeNull();
	});

	it("names calls, conversations and contacts by id, and passthrough types not at all", () => {
		const call = { id: "k1", status: null, direction: null, from: null, to: null, hangup_reason: null };
		expect(subjectOf("call.hangup", call)).toBe("call:k1");
		expect(subjectOf("call.hangup", { ...call, id: null })).toBeNull();
		expect(
			subjectOf("conversation.updated", { id: "7", status: null, inbox: null, assignee: null, contact_id: null }),
		).toBe("conversation:7");
		expect(subjectOf("contact.created", { id: "14", name: null, phone: null, urn: null })).toBe("contact:14");
		expect(subjectOf("contact.created", { id: null, name: null, phone: "+1555", urn: null })).toBe("contact:+1555");
		expect(subjectOf("voipbin.agent_created", {})).toBeNull();
	});
});

describe("every normalizer sets the subject", () => {
	it("CloudContactAI: the contact a message went to; an unsubscribe's contact", () => {
		expect(subject(normalizeCloudcontactai, ccaiMessage("message.sent"))).toMatch(/^contact:/);
		expect(subject(normalizeCloudcontactai, ccaiUnsubscribed())).toMatch(/^contact:/);
		expect(subject(normalizeCloudcontactai, { eventType: "campaign.finished", data: {}, eventHash: "h" })).toBeNull();
	});

	it("RapidPro: a message's urn; a run's other events, its contact", () => {
		expect(subject(normalizeRapidpro, rapidproMsgEvent("msg_received"))).toBe("contact:tel:+12065551212");
		expect(subject(normalizeRapidpro, rapidproResthook())).toMatch(/^contact:[0-9a-f-]{36}$/);
		expect(subject(normalizeRapidpro, rapidproEvent("flow_entered"))).toBeNull();
	});

	it("Telerivet: the contact's number", () => {
		expect(subject(normalizeTelerivet, telerivetIncoming())).toMatch(/^contact:/);
		expect(subject(normalizeTelerivet, telerivetStatus("delivered"))).toMatch(/^contact:/);
		expect(subject(normalizeTelerivet, telerivetEvent("something_new"))).toBeNull();
	});

	it("VoIPbin: calls, conversations, their messages, and <resource>:<id> for the rest", () => {
		expect(subject(normalizeVoipbin, voipbinCall("call_hungup"))).toBe("call:call-1");
		expect(subject(normalizeVoipbin, voipbinMessage("message_created"))).toMatch(/^contact:/);
		expect(subject(normalizeVoipbin, voipbinConversationMessage("conversation_message_created"))).toMatch(
			/^conversation:/,
		);
		expect(subject(normalizeVoipbin, voipbinConversation("conversation_created"))).toMatch(/^conversation:/);
		expect(subject(normalizeVoipbin, { type: "agent_created", data: { id: "a7" } })).toBe("agent:a7");
	});

	it("Voxsig: the conversation of messages and typing, the contact's id, <resource>:<id> for the rest", () => {
		expect(subject(normalizeVoxsig, voxsigMessage())).toBe("conversation:10");
		expect(subject(normalizeVoxsig, voxsigConversation("conversation_updated"))).toBe("conversation:10");
		expect(subject(normalizeVoxsig, voxsigContact("contact_created"))).toBe("contact:14");
		expect(subject(normalizeVoxsig, voxsigTyping("conversation_typing_on"))).toBe("conversation:10");
		expect(subject(normalizeVoxsig, voxsigWidget())).toBe("webwidget:12");
	});

	it("Standard Webhooks: a canonical type's data; null for a passthrough", () => {
		const call = { id: "c-77", status: null, direction: null, from: null, to: null, hangup_reason: null };
		expect(subject(normalizeStandardWebhooks, { type: "call.hangup", data: call })).toBe("call:c-77");
		expect(subject(normalizeStandardWebhooks, { type: "thing.done", data: { id: 1 } })).toBeNull();
	});
});
