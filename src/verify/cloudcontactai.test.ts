import { describe, expect, it } from "vitest";
import { utf8 } from "../crypto/bytes";
import {
	type CloudcontactaiSource,
	CloudcontactaiSourceSchema,
	signCloudcontactai,
	signCloudcontactaiLegacy,
	verifyCloudcontactai,
} from "./cloudcontactai";
import { verifyRequest } from "./index";
import type { VerifyInput } from "./types";

const SECRET = "test-ccai-secret";
const CLIENT_ID = "1231";
const HASH = "abc123def456ghi789";
/** The PROVIDERS.md test vector for the inputs above. */
const VECTOR = "TnL531Pj25UdXbUdQ/h9MZqV/va+fTyD2cj1wbIhTSg=";

function source(overrides: Record<string, unknown> = {}): CloudcontactaiSource {
	return CloudcontactaiSourceSchema.parse({
		provider: "cloudcontactai",
		secret: SECRET,
		client_id: CLIENT_ID,
		...overrides,
	});
}

function input(
	headers: Record<string, string>,
	body: unknown = { eventType: "message.sent", data: {}, eventHash: HASH },
): VerifyInput {
	const text = JSON.stringify(body);
	return {
		headers: new Headers(headers),
		url: new URL("https://hookfan.test/in/t/s"),
		rawBody: utf8(text),
		body,
		now: Date.UTC(2026, 0, 1),
	};
}

describe("CloudContactAI source config", () => {
	it("defaults to the signature proof without the legacy body HMAC", () => {
		expect(source()).toMatchObject({ verification: "signature", legacy_body_hmac: false });
	});

	it("requires a client_id, because the signed string needs it and the request never carries it", () => {
		expect(CloudcontactaiSourceSchema.safeParse({ provider: "cloudcontactai", secret: SECRET }).success).toBe(false);
		expect(
			CloudcontactaiSourceSchema.safeParse({ provider: "cloudcontactai", secret: SECRET, client_id: "" }).success,
		).toBe(false);
	});

	it("takes the token proof, without a client_id, for accounts whose CCAI sends no signature", () => {
		const token = CloudcontactaiSourceSchema.parse({
			provider: "cloudcontactai",
			secret: SECRET,
			verification: "token",
		});
		expect(token).toMatchObject({ verification: "token" });
		expect(token.client_id).toBeUndefined();
	});
});

describe("CloudContactAI token proof (unsigned accounts)", () => {
	const token = () =>
		CloudcontactaiSourceSchema.parse({ provider: "cloudcontactai", secret: SECRET, verification: "token" });
	// A captured 2025 server request: no X-CCAI-Signature, no eventHash (CloudContactAI/CCAI.NET README).
	const unsigned = { eventType: "message.sent", data: { id: 142065, MessageStatus: "SENT" } };

	it("accepts the secret in ?token= or an Authorization header, through the shared proof", async () => {
		const byQuery = { ...input({}, unsigned), url: new URL(`https://hookfan.test/in/t/s?token=${SECRET}`) };
		expect(await verifyRequest(byQuery, token(), verifyCloudcontactai)).toEqual({ ok: true });
		const byHeader = input({ authorization: `Token ${SECRET}` }, unsigned);
		expect(await verifyRequest(byHeader, token(), verifyCloudcontactai)).toEqual({ ok: true });
	});

	it("refuses a wrong or missing token, and a signature in place of the token", async () => {
		const wrong = { ...input({}, unsigned), url: new URL("https://hookfan.test/in/t/s?token=guess") };
		expect(await verifyRequest(wrong, token(), verifyCloudcontactai)).toMatchObject({ ok: false, reason: "bad_token" });
		const signed = input({ "X-CCAI-Signature": VECTOR });
		expect(await verifyRequest(signed, token(), verifyCloudcontactai)).toMatchObject({ ok: false });
	});
});

describe("CloudContactAI signature", () => {
	it("reproduces the PROVIDERS.md test vector", async () => {
		expect(await signCloudcontactai(SECRET, CLIENT_ID, HASH)).toBe(VECTOR);
	});

	it("accepts the test vector in X-CCAI-Signature", async () => {
		expect(await verifyCloudcontactai(input({ "X-CCAI-Signature": VECTOR }), source())).toEqual({ ok: true });
	});

	it("tolerates whitespace around the header value", async () => {
		expect(await verifyCloudcontactai(input({ "x-ccai-signature": ` ${VECTOR} ` }), source())).toEqual({ ok: true });
	});

	it("rejects a signature made with another secret as bad_signature", async () => {
		const other = await signCloudcontactai("another-secret", CLIENT_ID, HASH);
		expect(await verifyCloudcontactai(input({ "x-ccai-signature": other }), source())).toMatchObject({
			ok: false,
			reason: "bad_signature",
		});
	});

	it("rejects the right signature when the source names another client_id", async () => {
		const result = await verifyCloudcontactai(input({ "x-ccai-signature": VECTOR }), source({ client_id: "9999" }));
		expect(result).toMatchObject({ ok: false, reason: "bad_signature" });
	});

	it("rejects a signature whose case was changed: base64 is case-sensitive", async () => {
		const result = await verifyCloudcontactai(input({ "x-ccai-signature": VECTOR.toLowerCase() }), source());
		expect(result).toMatchObject({ ok: false, reason: "bad_signature" });
	});

	it("rejects a body whose eventHash differs from the signed one", async () => {
		const body = { eventType: "message.sent", data: {}, eventHash: "abc123def456ghi780" };
		expect(await verifyCloudcontactai(input({ "x-ccai-signature": VECTOR }, body), source())).toMatchObject({
			ok: false,
			reason: "bad_signature",
		});
	});

	it("treats a missing header as missing_proof", async () => {
		expect(await verifyCloudcontactai(input({}), source())).toMatchObject({ ok: false, reason: "missing_proof" });
		expect(await verifyCloudcontactai(input({ "x-ccai-signature": "  " }), source())).toMatchObject({
			ok: false,
			reason: "missing_proof",
		});
	});

	it.each([
		["no eventHash", { eventType: "message.sent", data: {} }],
		["an empty eventHash", { eventType: "message.sent", data: {}, eventHash: "" }],
		["a numeric eventHash", { eventType: "message.sent", data: {}, eventHash: 123 }],
		["an array body", [1, 2]],
	])("treats a body with %s as missing_proof", async (_what, body) => {
		expect(await verifyCloudcontactai(input({ "x-ccai-signature": VECTOR }, body), source())).toMatchObject({
			ok: false,
			reason: "missing_proof",
		});
	});
});

describe("CloudContactAI legacy body HMAC (opt-in)", () => {
	const body = { eventType: "message.sent", data: { SmsSid: 1 }, eventHash: HASH };

	it("is refused when the source has not opted in", async () => {
		const legacy = await signCloudcontactaiLegacy(SECRET, utf8(JSON.stringify(body)));
		expect(await verifyCloudcontactai(input({ "x-ccai-signature": legacy }, body), source())).toMatchObject({
			ok: false,
			reason: "bad_signature",
		});
	});

	it("is accepted, in either hex case, when the source opts in", async () => {
		const legacy = await signCloudcontactaiLegacy(SECRET, utf8(JSON.stringify(body)));
		const on = source({ legacy_body_hmac: true });
		expect(await verifyCloudcontactai(input({ "x-ccai-signature": legacy }, body), on)).toEqual({ ok: true });
		expect(await verifyCloudcontactai(input({ "x-ccai-signature": legacy.toUpperCase() }, body), on)).toEqual({
			ok: true,
		});
	});

	it("keeps the eventHash scheme working when the source opts in", async () => {
		const on = source({ legacy_body_hmac: true });
		expect(await verifyCloudcontactai(input({ "x-ccai-signature": VECTOR }, body), on)).toEqual({ ok: true });
	});

	it("signs the exact body bytes, so a changed body fails", async () => {
		const legacy = await signCloudcontactaiLegacy(SECRET, utf8(JSON.stringify(body)));
		const changed = { ...body, data: { SmsSid: 2 } };
		const result = await verifyCloudcontactai(
			input({ "x-ccai-signature": legacy }, changed),
			source({ legacy_body_hmac: true }),
		);
		expect(result).toMatchObject({ ok: false, reason: "bad_signature" });
	});

	it("can prove a body without an eventHash when opted in", async () => {
		const bare = { eventType: "message.sent", data: {} };
		const legacy = await signCloudcontactaiLegacy(SECRET, utf8(JSON.stringify(bare)));
		const on = source({ legacy_body_hmac: true });
		expect(await verifyCloudcontactai(input({ "x-ccai-signature": legacy }, bare), on)).toEqual({ ok: true });
		expect(await verifyCloudcontactai(input({ "x-ccai-signature": "nope" }, bare), on)).toMatchObject({
			ok: false,
			reason: "bad_signature",
		});
	});
});
