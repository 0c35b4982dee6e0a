import { describe, expect, it } from "vitest";
import { utf8 } from "./bytes";
import { generateWhsecSecret, signatureMatches, standardSignature, WhsecSchema, whsecKey } from "./standard-webhooks";

const BODY = utf8('{"type":"call.hangup"}');

describe("whsec_ secrets", () => {
	it("generates secrets the format accepts, each one different", () => {
		const a = generateWhsecSecret();
		expect(a).toMatch(/^whsec_/);
		expect(whsecKey(a)).toHaveLength(32);
		expect(WhsecSchema.safeParse(a).success).toBe(true);
		expect(generateWhsecSecret()).not.toBe(a);
	});

	it("refuses text without the prefix, non-base64, and keys shorter than 16 bytes", () => {
		expect(whsecKey("c2VjcmV0c2VjcmV0c2VjcmV0")).toBeNull();
		expect(whsecKey("whsec_not base64!")).toBeNull();
		expect(whsecKey("whsec_c2hvcnQ=")).toBeNull();
	});
});

describe("signatureMatches", () => {
	it("matches the signature of the same id, timestamp and body, also among rotation entries", async () => {
		const key = whsecKey(generateWhsecSecret()) as Uint8Array<ArrayBuffer>;
		const signature = await standardSignature(key, "msg_1", 1_767_225_600, BODY);
		expect(await signatureMatches(key, "msg_1", "1767225600", BODY, signature)).toBe(true);
		expect(await signatureMatches(key, "msg_1", "1767225600", BODY, `v1,AAAA ${signature}`)).toBe(true);
	});

	it("does not match another key, id, timestamp or body, or an entry of another version", async () => {
		const key = whsecKey(generateWhsecSecret()) as Uint8Array<ArrayBuffer>;
		const other = whsecKey(generateWhsecSecret()) as Uint8Array<ArrayBuffer>;
		const signature = await standardSignature(key, "msg_1", 1_767_225_600, BODY);
		expect(await signatureMatches(other, "msg_1", "1767225600", BODY, signature)).toBe(false);
		expect(await signatureMatches(key, "msg_2", "1767225600", BODY, signature)).toBe(false);
		expect(await signatureMatches(key, "msg_1", "1767225601", BODY, signature)).toBe(false);
		expect(await signatureMatches(key, "msg_1", "1767225600", utf8("{}"), signature)).toBe(false);
		expect(await signatureMatches(key, "msg_1", "1767225600", BODY, signature.replace("v1,", "v2,"))).toBe(false);
	});
});
