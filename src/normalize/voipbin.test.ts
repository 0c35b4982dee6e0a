import { describe, expect, it } from "vitest";
import {
	voipbinCall,
	voipbinConversation,
	voipbinConversationMessage,
	voipbinMessage,
} from "../../test/builders/voipbin";
import type { NormalizedEvent } from "./types";
import { normalizeVoipbin, parseVoipbinTime } from "./voipbin";

const headers = new Headers();

function normalized(body: unknown): NormalizedEvent {
	const result = normalizeVoipbin({ body, headers });
	if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.issues)}`);
	return result.event;
}

/** An outbound SMS whose one target is at `status`. */
function outbound(type: string, status: string): Record<string, unknown> {
	return voipbinMessage(type, {
		direction: "outbound",
		source: { type: "tel", target: "+15550002222" },
		targets: [{ destination: { type: "tel", target: "+15550001111" }, status, parts: 1 }],
		text: "Your order is ready.",
	});
}

describe("parseVoipbinTime", () => {
	it("reads VoIPbin's zone-less UTC format and ISO 8601", () => {
		expect(parseVoipbinTime("2026-11-20 10:00:05.123456")).toBe("2026-11-20T10:00:05.123Z");
		expect(parseVoipbinTime("2026-11-20 10:00:05")).toBe("2026-11-20T10:00:05.000Z");
		expect(parseVoipbinTime("2026-11-20T10:00:05+01:00")).toBe("2026-11-20T09:00:05.000Z");
	});

	it("maps the 9999 'not yet' sentinel and junk to null", () => {
		expect(parseVoipbinTime("9999-01-01 00:00:00.000000")).toBeNull();
		expect(parseVoipbinTime("yesterday")).toBeNull();
		expect(parseVoipbinTime(42)).toBeNull();
	});
});

describe("normalizeVoipbin", () => {
	it("maps both hangup spellings to call.hangup", () => {
		for (const type of ["call_hungup", "call_hangup"]) {
			const r = normalizeVoipbin({ body: { type, data: { id: "c" } }, headers });
			expect(r.ok && r.event.type).toBe("call.hangup");
		}
	});

	it("passes unknown types through with empty data and the whole payload", () => {
		const body = { type: "queuecall_serviced", data: { id: "q1", queue_id: "x" } };
		expect(normalized({ type: "message_deleted", data: { id: "m" } }).type).toBe("voipbin.message_deleted");
		const r = normalizeVoipbin({ body, headers });
		expect(r).toMatchObject({ ok: true, event: { type: "voipbin.queuecall_serviced", data: {}, raw: body } });
	});

	it("keys dedupe on type, id and tm_update", () => {
		const r = normalizeVoipbin({
			body: { type: "call_updated", data: { id: "c", tm_update: "2026-01-01 00:00:00" } },
			headers,
		});
		expect(r.ok && r.event.dedupe_key).toBe("call_updated:c:2026-01-01 00:00:00");
	});

	it("rejects a payload without type or data", () => {
		expect(normalizeVoipbin({ body: { data: {} }, headers }).ok).toBe(false);
		expect(normalizeVoipbin({ body: [1, 2], headers }).ok).toBe(false);
	});
});

describe("normalizeVoipbin: calls", () => {
	it("carries the call's id, addresses and direction", () => {
		expect(normalized(voipbinCall("call_created")).data).toEqual({
			id: "call-1",
			status: "progressing",
			direction: "inbound",
			from: "+15550001111",
			to: "+15550002222",
			hangup_reason: null,
		});
	});
});

describe("normalizeVoipbin: SMS messages", () => {
	it("maps an inbound message_created to message.received from the source to the first target", () => {
		const event = normalized(voipbinMessage("message_created"));
		expect(event).toMatchObject({ type: "message.received", occurred_at: "2026-11-20T10:00:00.123Z" });
		expect(event.data).toEqual({
			id: "a3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
			direction: "inbound",
			text: "Is my order ready?",
			from: "+15550001111",
			to: "+15550002222",
			channel: "sms",
			attachments: [],
			status: "received",
			error: null,
			conversation_id: null,
			contact_id: null,
		});
	});

	it("maps an outbound message_created to message.sent", () => {
		const event = normalized(outbound("message_created", "queued"));
		expect(event.type).toBe("message.sent");
		expect(event.data).toMatchObject({ direction: "outbound", to: "+15550001111", status: "queued" });
	});

	it("maps message_updated to message.status_changed with the target's status", () => {
		const event = normalized(outbound("message_updated", "delivered"));
		expect(event.type).toBe("message.status_changed");
		expect(event.data).toMatchObject({ id: "a3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d", status: "delivered", error: null });
	});

	it("maps a failed target to message.failed with an error VoIPbin gives no reason for", () => {
		const event = normalized(outbound("message_updated", "failed"));
		expect(event.type).toBe("message.failed");
		expect(event.data).toMatchObject({ status: "failed", error: { code: null, message: null } });
	});

	it("keys each update on its id, tm_update and target statuses", () => {
		expect(normalized(outbound("message_updated", "sent")).dedupe_key).toBe(
			"message_updated:a3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d:2026-11-20T10:00:00.123456Z:sent",
		);
	});
});

describe("normalizeVoipbin: conversations", () => {
	it("maps conversation_message_created by direction, in its conversation and medium", () => {
		const event = normalized(voipbinConversationMessage("conversation_message_created"));
		expect(event.type).toBe("message.received");
		expect(event.data).toMatchObject({
			id: "7c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e",
			direction: "inbound",
			text: "Hello from LINE",
			channel: "line",
			status: "done",
			conversation_id: "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
		});
		const out = normalized(voipbinConversationMessage("conversation_message_created", { direction: "outgoing" }));
		expect(out.type).toBe("message.sent");
	});

	it("maps conversation_message_updated to status_changed, or failed", () => {
		const update = (status: string) =>
			normalized(voipbinConversationMessage("conversation_message_updated", { direction: "outgoing", status })).type;
		expect(update("done")).toBe("message.status_changed");
		expect(update("failed")).toBe("message.failed");
	});

	it("maps conversation_created and _updated, with the agent who owns it as assignee", () => {
		const event = normalized(voipbinConversation("conversation_created"));
		expect(event.type).toBe("conversation.created");
		expect(event.data).toEqual({
			id: "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
			status: null,
			inbox: "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f",
			assignee: "812ff854-2bfe-11ef-9d3d-6fe5b3e2de92",
			contact_id: null,
		});
		const unowned = normalized(
			voipbinConversation("conversation_updated", { owner_type: "", owner_id: "00000000-0000-0000-0000-000000000000" }),
		);
		expect(unowned).toMatchObject({ type: "conversation.updated", data: { assignee: null } });
	});
});
