import { describe, expect, it } from "vitest";
import { VOIPBIN_SECRET, voipbinCall, voipbinRequest } from "../../test/builders/voipbin";
import type { SignedRequest } from "../../test/support/ingest";
import { utf8 } from "../crypto/bytes";
import { VoipbinSourceSchema, verifyVoipbin } from "./voipbin";

const source = VoipbinSourceSchema.parse({ provider: "voipbin", secret: VOIPBIN_SECRET });

function input(req: SignedRequest, body = req.body) {
	return {
		headers: new Headers(req.headers),
		url: new URL("https://h/in/t/vb"),
		rawBody: utf8(body),
		body: JSON.parse(body) as unknown,
		now: Date.parse("2026-11-20T10:00:05Z"),
	};
}

describe("verifyVoipbin", () => {
	it("accepts a call event signed with the source's secret", async () => {
		const req = await voipbinRequest(voipbinCall("call_hungup"));
		expect(await verifyVoipbin(input(req), source)).toEqual({ ok: true });
	});

	it("accepts the signature whatever the case of its hex digits", async () => {
		const req = await voipbinRequest(voipbinCall("call_hungup"));
		const upper = {
			...req,
			headers: { ...req.headers, "x-voipbin-signature": req.headers["x-voipbin-signature"]?.toUpperCase() ?? "" },
		};
		expect(await verifyVoipbin(input(upper), source)).toEqual({ ok: true });
	});

	it("refuses a call event signed with another secret", async () => {
		const req = await voipbinRequest(voipbinCall("call_hungup"), "another-secret");
		expect(await verifyVoipbin(input(req), source)).toMatchObject({ ok: false, reason: "bad_signature" });
	});

	it("refuses a body changed after signing, even by one byte", async () => {
		const req = await voipbinRequest(voipbinCall("call_hungup"));
		const tampered = req.body.replace("call-1", "call-2");
		expect(await verifyVoipbin(input(req, tampered), source)).toMatchObject({ ok: false, reason: "bad_signature" });
	});

	it("refuses a request without the signature header as missing proof", async () => {
		const req = await voipbinRequest(voipbinCall("call_hungup"));
		const unsigned = { ...req, headers: { "content-type": "application/json" } };
		expect(await verifyVoipbin(input(unsigned), source)).toMatchObject({ ok: false, reason: "missing_proof" });
	});

	it("reads the signature from a renamed header when the source names one", async () => {
		const renamed = VoipbinSourceSchema.parse({
			provider: "voipbin",
			secret: VOIPBIN_SECRET,
			signature_header: "X-Hook-Signature",
		});
		const req = await voipbinRequest(voipbinCall("call_hungup"));
		const moved = { ...req, headers: { "x-hook-signature": req.headers["x-voipbin-signature"] ?? "" } };
		expect(await verifyVoipbin(input(moved), renamed)).toEqual({ ok: true });
		expect(await verifyVoipbin(input(req), renamed)).toMatchObject({ ok: false, reason: "missing_proof" });
	});
});
