import { describe, expect, it } from "vitest";
import { REJECTION_HINTS, rejectionReason, rejectionRecord } from "./rejection";

describe("rejectionReason", () => {
	it("maps each proof failure to the tenant's reason code, a stale timestamp with a signed skew", () => {
		expect(rejectionReason({ kind: "unauthorized", reason: "missing_proof" })?.reason).toBe("missing_signature");
		expect(rejectionReason({ kind: "unauthorized", reason: "bad_signature" })?.reason).toBe("signature_mismatch");
		expect(rejectionReason({ kind: "unauthorized", reason: "bad_token" })?.reason).toBe("token_mismatch");
		// The verifiers report an age: 400 s old is a skew of -400 (in the past), -30 s old is +30 (future).
		expect(rejectionReason({ kind: "unauthorized", reason: "stale_timestamp", ageSeconds: 400 })).toEqual({
			reason: "timestamp_outside_tolerance",
			detail: { skew_seconds: -400 },
		});
		expect(
			rejectionReason({ kind: "unauthorized", reason: "stale_timestamp", ageSeconds: -30 })?.detail.skew_seconds,
		).toBe(30);
	});

	it("records nothing for an unknown source or hookfan's own trouble", () => {
		expect(rejectionReason({ kind: "unknown_source" })).toBeNull();
		expect(rejectionReason({ kind: "unavailable" })).toBeNull();
	});

	it("keeps where a payload did not fit and drops what the sender wrote", () => {
		const mapped = rejectionReason({
			kind: "invalid_payload",
			issues: [
				{ code: "invalid_type", expected: "string", path: ["data", "id"], message: "got 'sekrit'", input: "sekrit" },
			],
		});
		expect(mapped?.detail.issues).toEqual(["data.id: invalid_type"]);
		const json = rejectionReason({
			kind: "malformed_body",
			detail: `The body is not valid JSON: Unexpected token 's', "sekrit" is not`,
		});
		expect(JSON.stringify(json)).not.toContain("sekrit");
	});

	it("has a hint for every reason", () => {
		for (const hint of Object.values(REJECTION_HINTS)) expect(hint.length).toBeGreaterThan(20);
	});
});

describe("rejectionRecord", () => {
	it("lists header names sorted and lowercase, and no value but the User-Agent and Content-Type", () => {
		const headers = new Headers({
			"X-VoIPbin-Signature": "sha256=deadbeef",
			Authorization: "Token sekrit",
			"User-Agent": "Mailroom/9.1",
			"Content-Type": "application/json",
			Cookie: "session=abc",
		});
		const record = rejectionRecord({ method: "POST", headers, bodyBytes: 12, now: 0 }, "signature_mismatch");
		expect(record.header_names).toEqual([
			"authorization",
			"content-type",
			"cookie",
			"user-agent",
			"x-voipbin-signature",
		]);
		expect(record).toMatchObject({ user_agent: "Mailroom/9.1", content_type: "application/json", body_bytes: 12 });
		for (const value of ["deadbeef", "sekrit", "session=abc"]) expect(JSON.stringify(record)).not.toContain(value);
	});
});
