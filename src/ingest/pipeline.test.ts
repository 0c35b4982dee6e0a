import { describe, expect, it } from "vitest";
import { ccaiServerMessage } from "../../test/builders/cloudcontactai";
import { RAPIDPRO_TOKEN, rapidproGetRequest } from "../../test/builders/rapidpro";
import { VOIPBIN_SECRET, voipbinCall, voipbinRequest, voipbinTextRequest } from "../../test/builders/voipbin";
import type { SignedRequest } from "../../test/support/ingest";
import type { AppendInput, HandOffOutcome } from "../fanout/hand-off";
import { providerOf, type SourceConfig, SourceConfigSchema } from "../providers";
import type { IngestRefusal } from "./outcome";
import { type IngestDeps, MAX_BODY_BYTES, runIngest } from "./pipeline";

const NOW = Date.parse("2026-11-20T10:00:06Z");
const CCAI_TOKEN = "test-ccai-token";
const SOURCES: Record<string, SourceConfig> = {
	vb: SourceConfigSchema.parse({ provider: "voipbin", secret: VOIPBIN_SECRET }),
	rp: SourceConfigSchema.parse({ provider: "rapidpro", secret: RAPIDPRO_TOKEN }),
	cc: SourceConfigSchema.parse({ provider: "cloudcontactai", secret: CCAI_TOKEN, verification: "token" }),
};

/** Dependencies over the stored sources `acme/vb`, `acme/rp`, `acme/cc` and a hand-off that answers `held`. */
function deps(held: (input: AppendInput) => HandOffOutcome = appended) {
	const handedOff: AppendInput[] = [];
	const refused: { refusal: IngestRefusal; bodyBytes: number | null }[] = [];
	const d: IngestDeps = {
		readSource: async (tenant, source): Promise<SourceConfig | null> =>
			tenant === "acme" ? (SOURCES[source] ?? null) : null,
		providerOf,
		handOff: async (input) => {
			handedOff.push(input);
			return held(input);
		},
		now: () => NOW,
		recordRefusal: (refusal, bodyBytes) => {
			refused.push({ refusal, bodyBytes });
		},
	};
	return { deps: d, handedOff, refused };
}

function appended(input: AppendInput): HandOffOutcome {
	return { id: input.envelope.id, sequence: 1, duplicate: false, via: "log" };
}

function request(req: SignedRequest, path: { tenant?: string; source?: string } = {}) {
	const source = path.source ?? "vb";
	return {
		tenant: path.tenant ?? "acme",
		source,
		method: req.method ?? "POST",
		url: new URL(`https://hookfan.test/in/acme/${source}${req.query ?? ""}`),
		headers: new Headers(req.headers),
		// A stream, whatever the method: VoIPbin's GET and DELETE carry a body (see the registry).
		body: req.body === "" ? null : new Response(req.body).body,
	};
}

describe("runIngest", () => {
	it("accepts a signed VoIPbin hangup and hands off its normalized envelope", async () => {
		const { deps: d, handedOff } = deps();
		const outcome = await runIngest(request(await voipbinRequest(voipbinCall("call_hungup"))), d);
		expect(outcome).toMatchObject({ kind: "accepted", sequence: 1, via: "log" });
		expect(handedOff).toHaveLength(1);
		expect(handedOff[0]?.envelope).toMatchObject({
			tenant: "acme",
			source: "vb",
			provider: "voipbin",
			type: "call.hangup",
			received_at: "2026-11-20T10:00:06.000Z",
		});
		expect(outcome.kind === "accepted" && outcome.id).toBe(handedOff[0]?.envelope.id);
	});

	it("reports a duplicate when the log already holds the event", async () => {
		const { deps: d } = deps(() => ({ id: "evt_first", sequence: 1, duplicate: true, via: "log" }));
		const outcome = await runIngest(request(await voipbinRequest(voipbinCall("call_hungup"))), d);
		expect(outcome).toEqual({ kind: "duplicate", id: "evt_first", sequence: 1 });
	});

	it("refuses an unknown source and an id that cannot be one alike, without handing off", async () => {
		const { deps: d, handedOff } = deps();
		const req = await voipbinRequest(voipbinCall("call_hungup"));
		expect(await runIngest(request(req, { source: "other" }), d)).toEqual({ kind: "unknown_source" });
		expect(await runIngest(request(req, { tenant: "../acme" }), d)).toEqual({ kind: "unknown_source" });
		expect(handedOff).toEqual([]);
	});

	it("refuses a request signed with another secret as unauthorized, keeping the reason for logs", async () => {
		const { deps: d, handedOff } = deps();
		const outcome = await runIngest(request(await voipbinRequest(voipbinCall("call_hungup"), "wrong")), d);
		expect(outcome).toEqual({ kind: "unauthorized", reason: "bad_signature" });
		expect(handedOff).toEqual([]);
	});

	it("refuses a body over the limit, declared or not, and a form sent to a JSON source", async () => {
		const { deps: d } = deps();
		const req = await voipbinRequest(voipbinCall("call_hungup", { note: "x".repeat(MAX_BODY_BYTES) }));
		const undeclared = request(req);
		undeclared.headers.delete("content-length");
		expect(await runIngest(undeclared, d)).toEqual({ kind: "body_too_large", limitBytes: MAX_BODY_BYTES });
		const declared = request(await voipbinRequest(voipbinCall("call_hungup")));
		declared.headers.set("content-length", String(MAX_BODY_BYTES + 1));
		expect(await runIngest(declared, d)).toEqual({ kind: "body_too_large", limitBytes: MAX_BODY_BYTES });
		const form = request(await voipbinRequest(voipbinCall("call_hungup")));
		form.headers.set("content-type", "application/x-www-form-urlencoded");
		expect(await runIngest(form, d)).toEqual({ kind: "unsupported_media_type", format: "json" });
	});

	it("refuses a signed body that is not JSON, or not VoIPbin's shape", async () => {
		const { deps: d } = deps();
		expect(await runIngest(request(await voipbinRequest("not json")), d)).toMatchObject({ kind: "invalid_payload" });
		const signed = await voipbinRequest({});
		expect(await runIngest(request({ ...signed, body: "{" }), d)).toMatchObject({ kind: "malformed_body" });
	});

	it("passes the hand-off's refusals on: too large to store, and unavailable", async () => {
		const req = () => voipbinRequest(voipbinCall("call_hungup"));
		const tooLarge = deps(() => ({ refused: "too_large", limitBytes: 1_900_000 })).deps;
		expect(await runIngest(request(await req()), tooLarge)).toEqual({
			kind: "envelope_too_large",
			limitBytes: 1_900_000,
		});
		const down = deps(() => ({ refused: "unavailable" })).deps;
		expect(await runIngest(request(await req()), down)).toEqual({ kind: "unavailable" });
	});

	it("tells the rejection log of refusals to a known source only, with the body's size once read", async () => {
		const { deps: d, refused } = deps();
		const wrong = await voipbinRequest(voipbinCall("call_hungup"), "wrong");
		await runIngest(request(wrong, { source: "other" }), d);
		expect(refused).toEqual([]);
		await runIngest(request(wrong), d);
		expect(refused).toEqual([
			{ refusal: { kind: "unauthorized", reason: "bad_signature" }, bodyBytes: wrong.body.length },
		]);
		const form = request(await voipbinRequest(voipbinCall("call_hungup")));
		form.headers.set("content-type", "application/x-www-form-urlencoded");
		await runIngest(form, d);
		expect(refused.at(-1)).toEqual({ refusal: { kind: "unsupported_media_type", format: "json" }, bodyBytes: null });
		const down = deps(() => ({ refused: "unavailable" }));
		await runIngest(request(await voipbinRequest(voipbinCall("call_hungup"))), down.deps);
		expect(down.refused).toEqual([]); // hookfan's own trouble, not the sender's
	});

	it("takes every method the provider can send, and refuses the others with its Allow list", async () => {
		const { deps: d, handedOff } = deps();
		for (const method of ["GET", "DELETE", "PUT"]) {
			const req = { ...(await voipbinRequest(voipbinCall("call_hungup", { id: `call-${method}` }))), method };
			expect(await runIngest(request(req), d)).toMatchObject({ kind: "accepted" });
		}
		expect(handedOff.map((h) => h.envelope.type)).toEqual(["call.hangup", "call.hangup", "call.hangup"]);
		for (const method of ["HEAD", "OPTIONS", "PATCH"]) {
			const req = { ...(await voipbinRequest(voipbinCall("call_hungup"))), method };
			expect(await runIngest(request(req), d)).toEqual({
				kind: "method_not_allowed",
				allow: ["GET", "POST", "PUT", "DELETE"],
			});
		}
		const head = rapidproGetRequest({ phone: "+12065550199" }, { via: "query" });
		expect(await runIngest(request({ ...head, method: "HEAD" }, { source: "rp" }), d)).toMatchObject({
			kind: "method_not_allowed",
		});
		expect(handedOff).toHaveLength(3);
	});

	it("reads a bodyless RapidPro GET's payload from its query string, without the token", async () => {
		const { deps: d, handedOff } = deps();
		const params = { contact: "Ngozi Okafor", phone: "+2348030000001", answer: "yes" };
		const viaQuery = rapidproGetRequest(params, { via: "query" });
		expect(await runIngest(request(viaQuery, { source: "rp" }), d)).toMatchObject({ kind: "accepted" });
		expect(handedOff[0]?.envelope).toMatchObject({ type: "rapidpro.webhook", raw: params });
		expect(handedOff[0]?.dedupe_key).toMatch(/^query-sha256:[0-9a-f]{64}$/);
		// The same values with the token in a header instead: the same payload, so the same key.
		const viaHeader = rapidproGetRequest(params, { via: "token" });
		await runIngest(request(viaHeader, { source: "rp" }), d);
		expect(handedOff[1]?.dedupe_key).toBe(handedOff[0]?.dedupe_key);
		const other = rapidproGetRequest({ ...params, answer: "no" }, { via: "query" });
		await runIngest(request(other, { source: "rp" }), d);
		expect(handedOff[2]?.dedupe_key).not.toBe(handedOff[0]?.dedupe_key);
		const wrong = rapidproGetRequest(params, { via: "query", token: "not-the-token" });
		expect(await runIngest(request(wrong, { source: "rp" }), d)).toMatchObject({ kind: "unauthorized" });
	});

	it("proves an unsigned CloudContactAI event by token and dedupes it on eventType and data.id", async () => {
		const { deps: d, handedOff } = deps();
		const body = JSON.stringify(ccaiServerMessage("message.sent", {}, null));
		const req = { body, headers: { "content-type": "application/json" }, query: `?token=${CCAI_TOKEN}` };
		expect(await runIngest(request(req, { source: "cc" }), d)).toMatchObject({ kind: "accepted" });
		expect(handedOff[0]?.dedupe_key).toBe("message.sent:142065");
		const noId = JSON.stringify(ccaiServerMessage("message.incoming", { id: undefined }, null));
		await runIngest(request({ ...req, body: noId }, { source: "cc" }), d);
		expect(handedOff[1]?.dedupe_key).toMatch(/^sha256:[0-9a-f]{64}$/);
		const unproven = { ...req, query: "?token=guess" };
		expect(await runIngest(request(unproven, { source: "cc" }), d)).toMatchObject({ kind: "unauthorized" });
	});

	it("keys bodies that differ only in a large or non-finite number apart, and keeps their digits", async () => {
		const { deps: d, handedOff } = deps();
		const texts = [
			'{"type":"queue_stats","data":{"queue":"q1","counter":8202522731445525542}}',
			'{"type":"queue_stats","data":{"queue":"q1","counter":8202522731445525543}}',
			'{"type":"queue_stats","data":{"queue":"q1","counter":1e400}}',
			'{"type":"queue_stats","data":{"queue":"q1","counter":2e400}}',
		];
		for (const text of texts) {
			expect(await runIngest(request(await voipbinTextRequest(text)), d)).toMatchObject({ kind: "accepted" });
		}
		const keys = handedOff.map((h) => h.dedupe_key);
		expect(new Set(keys).size).toBe(4);
		expect(handedOff.map((h) => h.raw_numbers)).toEqual([
			[{ path: ["data", "counter"], text: "8202522731445525542" }],
			[{ path: ["data", "counter"], text: "8202522731445525543" }],
			[{ path: ["data", "counter"], text: "1e400" }],
			[{ path: ["data", "counter"], text: "2e400" }],
		]);
	});
});
