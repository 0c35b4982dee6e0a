/**
 * What real senders do that the first ingest edge refused or mangled (issues #10 and #11), through the
 * real ingest route: the methods each provider can be set to use, unsigned CloudContactAI accounts,
 * and provider numbers that a JavaScript number cannot hold.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { handOff } from "../../src/fanout/hand-off";
import { eventId } from "../../src/ids";
import { ccaiServerMessage } from "../builders/cloudcontactai";
import { RAPIDPRO_TOKEN, rapidproGetRequest, rapidproRequest } from "../builders/rapidpro";
import { SW_SECRET, standardRequest } from "../builders/standardwebhooks";
import { VOIPBIN_SECRET, voipbinCall, voipbinRequest, voipbinTextRequest } from "../builders/voipbin";
import { ingestOk, postIngest } from "../support/ingest";
import { eventually, storedEvents, storedTexts } from "../support/log";
import { sinkName, sinkUrl, waitFor } from "../support/sink";
import { freshTenant, seedSource } from "../support/sources";
import { subscribe } from "../support/subscriptions";

async function expectProblem(res: Response, status: number, code: string): Promise<void> {
	expect(res.status).toBe(status);
	expect(res.headers.get("content-type")).toBe("application/problem+json");
	expect(await res.json()).toMatchObject({ code });
}

const CCAI_TOKEN = "ccai-url-token-7f3a";

async function tenantWith(sources: Record<string, Record<string, unknown>>): Promise<string> {
	const tenant = freshTenant("rs");
	for (const [id, config] of Object.entries(sources)) await seedSource(tenant, id, config);
	return tenant;
}

describe("every method a sender can be set to use", () => {
	it("accepts the flow editor's default RapidPro webhook: a GET whose payload is its query string", async () => {
		const tenant = await tenantWith({ rp: { provider: "rapidpro", secret: RAPIDPRO_TOKEN } });
		const params = { name: "Amaka Eze", phone: "+2348031234567", survey_answer: "2" };
		const first = await ingestOk(tenant, "rp", rapidproGetRequest(params, { via: "query" }));
		expect(first.duplicate).toBe(false);
		const [event] = await storedEvents(tenant);
		// The token is the proof, never part of the stored payload.
		expect(event).toMatchObject({ id: first.id, type: "rapidpro.webhook", raw: params });
		expect(JSON.stringify(event)).not.toContain(RAPIDPRO_TOKEN);
		// The same call again is the same event; other values are another.
		expect((await ingestOk(tenant, "rp", rapidproGetRequest(params, { via: "token" }))).duplicate).toBe(true);
		const other = await ingestOk(tenant, "rp", rapidproGetRequest({ ...params, survey_answer: "3" }));
		expect(other.duplicate).toBe(false);
		// Without the token: 401, nothing stored.
		const res = await postIngest(tenant, "rp", rapidproGetRequest(params, { token: "guessed" }));
		await expectProblem(res, 401, "unauthorized");
		expect(await storedEvents(tenant)).toHaveLength(2);
	});

	it("accepts a RapidPro webhook sent as PATCH with a JSON body", async () => {
		const tenant = await tenantWith({ rp: { provider: "rapidpro", secret: RAPIDPRO_TOKEN } });
		const req = { ...rapidproRequest({ contact: { name: "Tomás Rivera" }, answer: "yes" }), method: "PATCH" };
		expect((await ingestOk(tenant, "rp", req)).duplicate).toBe(false);
		expect((await storedEvents(tenant)).map((e) => e.type)).toEqual(["rapidpro.webhook"]);
	});

	it("accepts a signed VoIPbin event sent as DELETE (its body and signature are the same as a POST's)", async () => {
		const tenant = await tenantWith({ vb: { provider: "voipbin", secret: VOIPBIN_SECRET } });
		const req = { ...(await voipbinRequest(voipbinCall("call_hungup", { status: "hangup" }))), method: "DELETE" };
		expect((await ingestOk(tenant, "vb", req)).duplicate).toBe(false);
		expect((await storedEvents(tenant)).map((e) => e.type)).toEqual(["call.hangup"]);
		const forged = { ...(await voipbinRequest(voipbinCall("call_hungup"), "not-the-secret")), method: "DELETE" };
		await expectProblem(await postIngest(tenant, "vb", forged), 401, "unauthorized");
	});

	it("answers methods a provider never sends, HEAD and OPTIONS always, 405 with that provider's Allow", async () => {
		const tenant = await tenantWith({
			rp: { provider: "rapidpro", secret: RAPIDPRO_TOKEN },
			vb: { provider: "voipbin", secret: VOIPBIN_SECRET },
			tr: { provider: "telerivet", secret: "tr-secret" },
		});
		const cases: [string, string, string][] = [
			["rp", "DELETE", "GET, POST, PUT, PATCH"],
			["rp", "OPTIONS", "GET, POST, PUT, PATCH"],
			["vb", "PATCH", "GET, POST, PUT, DELETE"],
			["vb", "OPTIONS", "GET, POST, PUT, DELETE"],
			["tr", "GET", "POST, PUT"],
			["tr", "DELETE", "POST, PUT"],
		];
		for (const [source, method, allow] of cases) {
			const res = await postIngest(tenant, source, { body: "", headers: {}, method, query: "?token=x" });
			expect(res.status, `${source} ${method}`).toBe(405);
			expect(res.headers.get("allow")).toBe(allow);
			expect(await res.json()).toMatchObject({ code: "method_not_allowed" });
		}
		// HEAD is answered like GET by the router, but never as an event: 405, no body.
		const head = await postIngest(tenant, "rp", { ...rapidproGetRequest({ a: "1" }), method: "HEAD" });
		expect(head.status).toBe(405);
		expect(head.headers.get("allow")).toBe("GET, POST, PUT, PATCH");
		expect(await storedEvents(tenant)).toEqual([]);
	});
});

describe("CloudContactAI accounts that sign nothing", () => {
	it("accepts an unsigned server request on a token source, and dedupes it on eventType and data.id", async () => {
		const tenant = await tenantWith({
			cc: { provider: "cloudcontactai", secret: CCAI_TOKEN, verification: "token" },
		});
		const body = JSON.stringify(ccaiServerMessage("message.sent", { To: "+14155550177" }, null));
		const req = { body, headers: { "content-type": "application/json" }, query: `?token=${CCAI_TOKEN}` };
		const first = await ingestOk(tenant, "cc", req);
		expect(first.duplicate).toBe(false);
		expect(await storedEvents(tenant)).toMatchObject([
			{ type: "message.sent", data: { id: "142065", to: "+14155550177", status: "SENT" } },
		]);
		// CCAI re-sending it (even re-serialized differently) is a duplicate; the next message is not.
		const resent = JSON.stringify(ccaiServerMessage("message.sent", { To: "+14155550177" }, null), null, 1);
		expect((await ingestOk(tenant, "cc", { ...req, body: resent })).duplicate).toBe(true);
		const next = JSON.stringify(ccaiServerMessage("message.sent", { id: 142066 }, null));
		expect((await ingestOk(tenant, "cc", { ...req, body: next })).duplicate).toBe(false);
		// Without the token: 401.
		await expectProblem(await postIngest(tenant, "cc", { ...req, query: "" }), 401, "unauthorized");
	});
});

describe("provider numbers a JavaScript number cannot hold", () => {
	const BIG_A = '{"type":"queue_stats","data":{"queue":"q1","counter":8202522731445525542}}';
	const BIG_B = '{"type":"queue_stats","data":{"queue":"q1","counter":8202522731445525543}}';

	it("keeps two VoIPbin events that differ only in a large integer apart, and delivers their digits", async () => {
		const tenant = await tenantWith({ vb: { provider: "voipbin", secret: VOIPBIN_SECRET } });
		const sink = sinkName("big");
		await subscribe(tenant, { url: sinkUrl("ok", sink) });
		const a = await ingestOk(tenant, "vb", await voipbinTextRequest(BIG_A));
		const b = await ingestOk(tenant, "vb", await voipbinTextRequest(BIG_B));
		expect([a.duplicate, b.duplicate]).toEqual([false, false]);
		// Identical bytes are still the same event.
		expect((await ingestOk(tenant, "vb", await voipbinTextRequest(BIG_B))).duplicate).toBe(true);
		const texts = await storedTexts(tenant);
		expect(texts[0]).toContain('"counter":8202522731445525542');
		expect(texts[1]).toContain('"counter":8202522731445525543');
		const got = await waitFor(sink, (r) => r.length >= 2);
		expect(got.map((r) => r.body.includes("8202522731445525542") || r.body.includes("8202522731445525543"))).toEqual([
			true,
			true,
		]);
	});

	it("keeps non-finite literals distinct and as written", async () => {
		const tenant = await tenantWith({ vb: { provider: "voipbin", secret: VOIPBIN_SECRET } });
		for (const n of ["1e400", "2e400", "-0"]) {
			const text = `{"type":"queue_stats","data":{"queue":"q1","counter":${n}}}`;
			expect((await ingestOk(tenant, "vb", await voipbinTextRequest(text))).duplicate).toBe(false);
		}
		const texts = await storedTexts(tenant);
		expect(texts.map((t) => /"counter":([^}]+)/.exec(t)?.[1])).toEqual(["1e400", "2e400", "-0"]);
	});

	it("keeps a Standard Webhooks sender's large integer digit for digit", async () => {
		const tenant = await tenantWith({ sw: { provider: "standardwebhooks", secret: SW_SECRET } });
		const rawBody =
			'{"type":"ledger.updated","timestamp":"2026-11-30T10:00:00Z","data":{"balance":98765432109876543210}}';
		await ingestOk(tenant, "sw", await standardRequest(null, { rawBody }));
		const [text] = await storedTexts(tenant);
		expect(text).toContain('"balance":98765432109876543210');
	});

	it("answers the event API with the provider's digits", async () => {
		const { as, newTenant } = await import("../api/client");
		const { id, key } = await newTenant("bigapi");
		await seedSource(id, "vb", { provider: "voipbin", secret: VOIPBIN_SECRET });
		const accepted = await ingestOk(id, "vb", await voipbinTextRequest(BIG_B));
		const res = await as(key)("GET", `/v1/events/${accepted.id}`);
		expect(res.status).toBe(200);
		expect(res.text).toContain('"counter":8202522731445525543');
	});

	it("keeps the digits when the event waits in the EVENTS queue, inline or spooled in KV", async () => {
		const unreachable = {
			getByName: () => ({ append: () => Promise.reject(new Error("Durable Object is overloaded")) }),
		} as unknown as Env["TENANT"];
		const tenant = freshTenant("rsq");
		const raw = JSON.parse(BIG_B) as { data: Record<string, unknown> };
		const pending = (id: string, note = "") => ({
			id,
			tenant,
			source: "vb",
			provider: "voipbin",
			provider_type: "queue_stats",
			type: "voipbin.queue_stats",
			occurred_at: null,
			received_at: new Date().toISOString(),
			data: {},
			subject: null,
			raw: { ...raw, data: { ...raw.data, note } },
		});
		const raw_numbers = [{ path: ["data", "counter"], text: "8202522731445525543" }];
		const inline = await handOff(
			{ ...env, TENANT: unreachable },
			{ envelope: pending(eventId()), dedupe_key: "q-inline", raw_numbers },
		);
		const spooled = await handOff(
			{ ...env, TENANT: unreachable },
			{
				envelope: pending(eventId(), "x".repeat(300 * 1024)),
				dedupe_key: "q-spooled",
				raw_numbers,
			},
		);
		expect([inline, spooled]).toMatchObject([{ via: "queue" }, { via: "queue" }]);
		const texts = await eventually(
			() => storedTexts(tenant),
			(t) => t.length === 2,
		);
		expect(texts).toHaveLength(2);
		for (const text of texts) expect(text).toContain('"counter":8202522731445525543');
	});
});
