import { describe, expect, it } from "vitest";
import { utf8 } from "../crypto/bytes";
import type { VerifyInput } from "./types";
import { signVoxsig, type VoxsigSource, VoxsigSourceSchema, verifyVoxsig } from "./voxsig";

const SECRET = "test-chatwoot-secret";
const TS = 1_767_225_600;
const VECTOR_BODY = '{"event":"message_created","id":98765,"content":"Hi","message_type":"incoming"}';
const VECTOR_SIGNATURE = "sha256=31ad2d6f9c18d1ff7e9bbc849d0c69fc8976d6a8f9d87c9cbb10ae1f36ac17a3";

const source = VoxsigSourceSchema.parse({ provider: "voxsig", secret: SECRET });

function input(headers: Record<string, string>, nowSeconds = TS, body = VECTOR_BODY): VerifyInput {
	return {
		headers: new Headers(headers),
		url: new URL("https://hookfan.test/in/t/s"),
		rawBody: utf8(body),
		body: JSON.parse(body),
		now: nowSeconds * 1000,
	};
}

function signed(extra: Record<string, string> = {}): Record<string, string> {
	return { "x-chatwoot-signature": VECTOR_SIGNATURE, "x-chatwoot-timestamp": String(TS), ...extra };
}

describe("signVoxsig", () => {
	it("reproduces the PROVIDERS.md test vector", async () => {
		expect(await signVoxsig(SECRET, "1767225600", utf8(VECTOR_BODY))).toBe(VECTOR_SIGNATURE);
		expect(await signVoxsig(SECRET, TS, utf8(VECTOR_BODY))).toBe(VECTOR_SIGNATURE);
	});
});

describe("VoxsigSourceSchema", () => {
	it("defaults to signatures with Chatwoot's header names and a five-minute tolerance", () => {
		expect(source).toEqual({
			provider: "voxsig",
			secret: SECRET,
			verification: "signature",
			signature_header: "x-chatwoot-signature",
			timestamp_header: "x-chatwoot-timestamp",
			delivery_header: "x-chatwoot-delivery",
			tolerance_seconds: 300,
		});
	});

	it("lowercases custom header names and refuses names that are not header names", () => {
		const custom = VoxsigSourceSchema.parse({
			provider: "voxsig",
			secret: SECRET,
			signature_header: "X-Voxsig-Signature",
		});
		expect(custom.signature_header).toBe("x-voxsig-signature");
		expect(VoxsigSourceSchema.safeParse({ provider: "voxsig", secret: SECRET, timestamp_header: "x ts" }).success).toBe(
			false,
		);
	});
});

describe("verifyVoxsig", () => {
	it("accepts the test vector at its own timestamp, in either hex case", async () => {
		expect(await verifyVoxsig(input(signed()), source)).toEqual({ ok: true });
		const upper = signed({ "x-chatwoot-signature": `sha256=${VECTOR_SIGNATURE.slice(7).toUpperCase()}` });
		expect(await verifyVoxsig(input(upper), source)).toEqual({ ok: true });
	});

	it("rejects a changed body, a changed timestamp and a wrong secret as bad_signature", async () => {
		const tampered = VECTOR_BODY.replace("Hi", "Ho");
		expect(await verifyVoxsig(input(signed(), TS, tampered), source)).toMatchObject({ reason: "bad_signature" });
		expect(await verifyVoxsig(input(signed({ "x-chatwoot-timestamp": String(TS + 1) })), source)).toMatchObject({
			reason: "bad_signature",
		});
		const other: VoxsigSource = { ...source, secret: "another-secret" };
		expect(await verifyVoxsig(input(signed()), other)).toMatchObject({ reason: "bad_signature" });
	});

	it("rejects the bare hex without its sha256= prefix", async () => {
		const bare = signed({ "x-chatwoot-signature": VECTOR_SIGNATURE.slice(7) });
		expect(await verifyVoxsig(input(bare), source)).toMatchObject({ reason: "bad_signature" });
	});

	it("reports a missing signature or timestamp as missing_proof", async () => {
		expect(await verifyVoxsig(input({ "x-chatwoot-timestamp": String(TS) }), source)).toMatchObject({
			reason: "missing_proof",
		});
		expect(await verifyVoxsig(input({ "x-chatwoot-signature": VECTOR_SIGNATURE }), source)).toMatchObject({
			reason: "missing_proof",
		});
		expect(await verifyVoxsig(input({}), source)).toMatchObject({ reason: "missing_proof" });
	});

	it("reports a timestamp that is not unix seconds as bad_timestamp", async () => {
		for (const ts of ["soon", "-1767225600", "1767225600.5", "1e9", "2026-01-01T00:00:00Z"]) {
			expect(await verifyVoxsig(input(signed({ "x-chatwoot-timestamp": ts })), source)).toMatchObject({
				reason: "bad_timestamp",
			});
		}
	});

	it("rejects timestamps beyond the tolerance, past and future, and accepts them within it", async () => {
		expect(await verifyVoxsig(input(signed(), TS + 301), source)).toEqual({
			ok: false,
			reason: "stale_timestamp",
			ageSeconds: 301,
		});
		expect(await verifyVoxsig(input(signed(), TS - 301), source)).toEqual({
			ok: false,
			reason: "stale_timestamp",
			ageSeconds: -301,
		});
		expect(await verifyVoxsig(input(signed(), TS + 300), source)).toEqual({ ok: true });
		expect(await verifyVoxsig(input(signed(), TS - 300), source)).toEqual({ ok: true });
	});

	it("uses the source's own tolerance", async () => {
		const strict: VoxsigSource = { ...source, tolerance_seconds: 10 };
		expect(await verifyVoxsig(input(signed(), TS + 11), strict)).toMatchObject({ reason: "stale_timestamp" });
		expect(await verifyVoxsig(input(signed(), TS + 9), strict)).toEqual({ ok: true });
	});

	it("reads the source's header names and ignores Chatwoot's defaults then", async () => {
		const renamed = VoxsigSourceSchema.parse({
			provider: "voxsig",
			secret: SECRET,
			signature_header: "X-Voxsig-Signature",
			timestamp_header: "X-Voxsig-Timestamp",
		});
		const custom = { "x-voxsig-signature": VECTOR_SIGNATURE, "x-voxsig-timestamp": String(TS) };
		expect(await verifyVoxsig(input(custom), renamed)).toEqual({ ok: true });
		expect(await verifyVoxsig(input(signed()), renamed)).toMatchObject({ reason: "missing_proof" });
	});

	it("does not accept a shared token in place of a signature", async () => {
		const token = { authorization: `Token ${SECRET}`, "x-chatwoot-timestamp": String(TS) };
		expect(await verifyVoxsig(input(token), source)).toMatchObject({ reason: "missing_proof" });
	});
});
