import { describe, expect, it } from "vitest";
import { utf8 } from "../crypto/bytes";
import { standardSignature, whsecKey } from "../crypto/standard-webhooks";
import { StandardWebhooksSourceSchema, verifyStandardWebhooks } from "./standardwebhooks";

const SECRET = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const source = StandardWebhooksSourceSchema.parse({ provider: "standardwebhooks", secret: SECRET });
const BODY = utf8('{"type":"contact.created","data":{}}');
const TS = 1_767_225_600;

async function input(headers: Record<string, string>, nowSeconds = TS) {
	return {
		headers: new Headers(headers),
		url: new URL("https://h/in/t/s"),
		rawBody: BODY,
		body: {},
		now: nowSeconds * 1000,
	};
}

async function signed(extra: Record<string, string> = {}) {
	const key = whsecKey(SECRET) as Uint8Array<ArrayBuffer>;
	return {
		"webhook-id": "msg_1",
		"webhook-timestamp": String(TS),
		"webhook-signature": await standardSignature(key, "msg_1", TS, BODY),
		...extra,
	};
}

describe("verifyStandardWebhooks", () => {
	it("accepts a correct signature, also among several entries", async () => {
		const headers = await signed();
		expect(await verifyStandardWebhooks(await input(headers), source)).toEqual({ ok: true });
		const rotated = { ...headers, "webhook-signature": `v1,AAAA ${headers["webhook-signature"]}` };
		expect(await verifyStandardWebhooks(await input(rotated), source)).toEqual({ ok: true });
	});

	it("rejects a wrong signature, a changed id, and missing headers", async () => {
		expect(
			await verifyStandardWebhooks(await input(await signed({ "webhook-signature": "v1,AAAA" })), source),
		).toMatchObject({
			reason: "bad_signature",
		});
		expect(await verifyStandardWebhooks(await input(await signed({ "webhook-id": "msg_2" })), source)).toMatchObject({
			reason: "bad_signature",
		});
		expect(await verifyStandardWebhooks(await input({}), source)).toMatchObject({ reason: "missing_proof" });
	});

	it("rejects timestamps outside the tolerance, either way", async () => {
		const headers = await signed();
		expect(await verifyStandardWebhooks(await input(headers, TS + 301), source)).toMatchObject({
			reason: "stale_timestamp",
		});
		expect(await verifyStandardWebhooks(await input(headers, TS - 301), source)).toMatchObject({
			reason: "stale_timestamp",
		});
		expect(await verifyStandardWebhooks(await input(headers, TS + 299), source)).toEqual({ ok: true });
		expect(
			await verifyStandardWebhooks(await input(await signed({ "webhook-timestamp": "soon" })), source),
		).toMatchObject({
			reason: "bad_timestamp",
		});
	});

	it("only accepts whsec_ secrets as configuration", () => {
		expect(StandardWebhooksSourceSchema.safeParse({ provider: "standardwebhooks", secret: "plain" }).success).toBe(
			false,
		);
	});
});
