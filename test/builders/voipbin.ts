/** Builds VoIPbin webhook requests, signed the way VoIPbin signs them. */
import { utf8 } from "../../src/crypto/bytes";
import { signVoipbin } from "../../src/verify/voipbin";
import type { SignedRequest } from "../support/ingest";

export const VOIPBIN_SECRET = "test-voipbin-secret";

export function voipbinCall(type: string, data: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		type,
		data: {
			id: "call-1",
			status: "progressing",
			direction: "incoming",
			source: { type: "tel", target: "+15550001111" },
			destination: { type: "tel", target: "+15550002222" },
			hangup_reason: "",
			tm_create: "2026-11-20 10:00:00.123456",
			tm_update: "2026-11-20 10:00:05.000000",
			tm_hangup: "9999-01-01 00:00:00.000000",
			...data,
		},
	};
}

/**
 * An SMS event (`message_created`, `message_updated`) as bin-message-manager's WebhookMessage marshals
 * it: one target unless `data` says otherwise. Inbound by default: a contact texting the tenant's number.
 */
export function voipbinMessage(type: string, data: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		type,
		data: {
			id: "a3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
			customer_id: "5e4a0680-804e-11ec-8477-2fea5968d85b",
			type: "sms",
			source: { type: "tel", target: "+15550001111" },
			targets: [
				{
					destination: { type: "tel", target: "+15550002222" },
					status: "received",
					parts: 1,
					tm_update: "2026-11-20T10:00:00.123456Z",
				},
			],
			text: "Is my order ready?",
			direction: "inbound",
			tm_create: "2026-11-20T10:00:00.123456Z",
			tm_update: "2026-11-20T10:00:00.123456Z",
			...data,
		},
	};
}

/** A conversation message (`conversation_message_created` / `_updated`), bin-conversation-manager's shape. */
export function voipbinConversationMessage(type: string, data: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		type,
		data: {
			id: "7c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e",
			customer_id: "5e4a0680-804e-11ec-8477-2fea5968d85b",
			conversation_id: "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
			direction: "incoming",
			status: "done",
			reference_type: "line",
			reference_id: "d1e2f3a4-b5c6-4d7e-8f9a-0b1c2d3e4f5a",
			text: "Hello from LINE",
			tm_create: "2026-11-20T10:00:00Z",
			tm_update: "2026-11-20T10:00:00Z",
			...data,
		},
	};
}

/** A conversation event (`conversation_created` / `_updated`), bin-conversation-manager's shape. */
export function voipbinConversation(type: string, data: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		type,
		data: {
			id: "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
			customer_id: "5e4a0680-804e-11ec-8477-2fea5968d85b",
			owner_type: "agent",
			owner_id: "812ff854-2bfe-11ef-9d3d-6fe5b3e2de92",
			account_id: "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f",
			name: "Conversation with Jane",
			reference_type: "line",
			self: { type: "line", target: "U1234567890abcdef" },
			peer: { type: "line", target: "Uabcdef1234567890" },
			tm_create: "2026-11-20T10:00:00Z",
			tm_update: "2026-11-20T10:00:00Z",
			...data,
		},
	};
}

/** A VoIPbin request with a correct signature unless `secret` says otherwise. */
export async function voipbinRequest(payload: unknown, secret = VOIPBIN_SECRET): Promise<SignedRequest> {
	const body = JSON.stringify(payload);
	return {
		body,
		headers: { "content-type": "application/json", "x-voipbin-signature": await signVoipbin(secret, utf8(body)) },
	};
}

/**
 * A VoIPbin request whose body is exactly `body`, signed: for payloads that `JSON.stringify` cannot
 * write, such as an integer past 2^53 or `1e400` (VoIPbin's Go encoder writes int64 and uint64 exactly).
 */
export async function voipbinTextRequest(body: string, method = "POST"): Promise<SignedRequest> {
	return {
		body,
		method,
		headers: {
			"content-type": "application/json",
			"x-voipbin-signature": await signVoipbin(VOIPBIN_SECRET, utf8(body)),
		},
	};
}
