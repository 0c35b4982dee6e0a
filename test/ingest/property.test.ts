/**
 * Property-based tests of the ingest route with fast-check: whatever arrives, the answer is never a
 * 5xx, every error is problem+json, and nothing unproven is ever stored.
 */
import { SELF } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { utf8 } from "../../src/crypto/bytes";
import { standardSignature, whsecKey } from "../../src/crypto/standard-webhooks";
import { signCloudcontactai } from "../../src/verify/cloudcontactai";
import { telerivetBasicAuth } from "../../src/verify/telerivet";
import { signVoipbin } from "../../src/verify/voipbin";
import { signVoxsig } from "../../src/verify/voxsig";
import { storedEvents } from "../support/log";
import { freshTenant, seedSource } from "../support/sources";

const SECRET = "property-secret";
const WHSEC = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

const SOURCES: Record<string, Record<string, unknown>> = {
	rp: { provider: "rapidpro", secret: SECRET },
	cc: { provider: "cloudcontactai", secret: SECRET, client_id: "42" },
	tr: { provider: "telerivet", secret: SECRET },
	vx: { provider: "voxsig", secret: SECRET },
	vb: { provider: "voipbin", secret: SECRET },
	sw: { provider: "standardwebhooks", secret: WHSEC },
};

/**
 * A generated value as a form field. `String(v)` is not safe here: fast-check builds objects such as
 * `{"toString": false}`, on which it throws before any request is sent. JSON never calls such members.
 */
function formValue(v: unknown): string {
	if (typeof v === "string") return v;
	return JSON.stringify(v) ?? "";
}

async function seedAll(tenant: string): Promise<void> {
	for (const [id, config] of Object.entries(SOURCES)) await seedSource(tenant, id, config);
}

const HEADER_NAMES = [
	"authorization",
	"content-type",
	"x-ccai-signature",
	"x-chatwoot-signature",
	"x-chatwoot-timestamp",
	"x-chatwoot-delivery",
	"x-voipbin-signature",
	"webhook-id",
	"webhook-timestamp",
	"webhook-signature",
	"content-length",
];

const headerValue = fc.oneof(
	fc.string(),
	fc.constantFrom("application/json", "application/x-www-form-urlencoded", "text/plain", "Basic !!!", "Token x"),
	fc.constantFrom("sha256=", "v1,AAAA", "v1,", "-1", "99999999999999999999", "1e308", " "),
	fc.integer().map(String),
);

/** Header values must be valid ByteStrings; strip what fetch itself would refuse. */
const clean = (v: string) => v.replace(/[^\x20-\x7e]/g, "");

const body = fc.oneof(
	fc.string({ unit: "grapheme" }),
	fc.json({ maxDepth: 6 }),
	fc.uint8Array({ maxLength: 512 }).map((b) => new TextDecoder().decode(b)),
	fc.constantFrom('{"type":', "[", "{}", "null", "[1,2]", '"x"', "event=incoming_message&secret=", "9".repeat(400)),
	fc.array(fc.constant("["), { maxLength: 2000 }).map((a) => a.join("")), // deep nesting
	fc.json().map((j) => `{"type":"call_created","data":${j}}`),
);

describe("ingest under random input", () => {
	it("never answers 5xx to an unproven request, and stores nothing", async () => {
		const tenant = freshTenant("prop");
		await seedAll(tenant);
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom(...Object.keys(SOURCES), "missing"),
				fc.constantFrom("POST", "PUT", "GET", "PATCH", "DELETE"),
				fc.dictionary(fc.constantFrom(...HEADER_NAMES), headerValue, { maxKeys: 6 }),
				body,
				fc.option(fc.string(), { nil: undefined }),
				async (source, method, headers, text, token) => {
					const query = token === undefined ? "" : `?token=${encodeURIComponent(token)}`;
					const init: RequestInit = {
						method,
						headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, clean(v)])),
					};
					if (method !== "GET") init.body = text;
					const res = await SELF.fetch(`https://hookfan.test/in/${tenant}/${source}${query}`, init);
					await res.arrayBuffer();
					expect(res.status).toBeLessThan(500);
					if (res.status >= 400) expect(res.headers.get("content-type")).toBe("application/problem+json");
				},
			),
			{ numRuns: 600 },
		);
		expect(await storedEvents(tenant)).toEqual([]);
	});

	it("never answers 5xx to a correctly proven request with a random body", async () => {
		const tenant = freshTenant("prop");
		await seedAll(tenant);
		const now = () => Math.floor(Date.now() / 1000);
		const signers: Record<string, (raw: string, parsed: unknown) => Promise<Record<string, string>>> = {
			rp: async () => ({ authorization: `Token ${SECRET}` }),
			tr: async () => ({ authorization: telerivetBasicAuth(SECRET) }),
			vb: async (raw) => ({ "x-voipbin-signature": await signVoipbin(SECRET, utf8(raw)) }),
			vx: async (raw) => ({
				"x-chatwoot-timestamp": String(now()),
				"x-chatwoot-signature": await signVoxsig(SECRET, now(), utf8(raw)),
			}),
			cc: async (_raw, parsed): Promise<Record<string, string>> => {
				const hash = (parsed as { eventHash?: unknown } | null)?.eventHash;
				return typeof hash === "string" ? { "x-ccai-signature": await signCloudcontactai(SECRET, "42", hash) } : {};
			},
			sw: async (raw) => ({
				"webhook-id": "msg_prop",
				"webhook-timestamp": String(now()),
				"webhook-signature": await standardSignature(
					whsecKey(WHSEC) as Uint8Array<ArrayBuffer>,
					"msg_prop",
					now(),
					utf8(raw),
				),
			}),
		};
		const payload = fc.oneof(
			fc.json({ maxDepth: 5 }).map((j) => JSON.parse(j) as unknown),
			fc.record({
				type: fc.oneof(fc.string(), fc.constantFrom("msg_received", "call_hungup", "call_created")),
				data: fc.anything(),
			}),
			fc.record({
				event: fc.constantFrom("message_created", "conversation_updated", "contact_created"),
				message_type: fc.anything(),
				created_at: fc.anything(),
				id: fc.anything(),
			}),
			fc.record({
				eventType: fc.constantFrom("message.sent", "message.incoming", "contact.unsubscribed"),
				eventHash: fc.string(),
				data: fc.anything(),
			}),
		);
		await fc.assert(
			fc.asyncProperty(fc.constantFrom(...Object.keys(signers)), payload, async (source, value) => {
				const json = JSON.stringify(value) ?? "null";
				const isForm = source === "tr";
				const raw = isForm
					? new URLSearchParams(Object.entries((value ?? {}) as object).map(([k, v]) => [k, formValue(v)])).toString()
					: json;
				const headers = {
					"content-type": isForm ? "application/x-www-form-urlencoded" : "application/json",
					...(await (signers[source] as (r: string, p: unknown) => Promise<Record<string, string>>)(raw, value)),
				};
				const res = await SELF.fetch(`https://hookfan.test/in/${tenant}/${source}`, {
					method: "POST",
					headers,
					body: raw,
				});
				const text = await res.text();
				expect(res.status, text).toBeLessThan(500);
			}),
			// The counterexample that once made the test itself throw before sending anything.
			{ numRuns: 400, examples: [["tr", { toString: false }]] },
		);
	});
});
