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

/** A VoIPbin request with a correct signature unless `secret` says otherwise. */
export async function voipbinRequest(payload: unknown, secret = VOIPBIN_SECRET): Promise<SignedRequest> {
	const body = JSON.stringify(payload);
	return {
		body,
		headers: { "content-type": "application/json", "x-voipbin-signature": await signVoipbin(secret, utf8(body)) },
	};
}
