/**
 * The rejection log through the real ingest route and API: a tenant sees why its requests were
 * refused (reason, hint, header names) and never a body, secret or signature; nothing is stored for
 * unknown tenants or sources; a flood stores at most the per-minute bound and counts every request.
 */
import { env, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { STORED_PER_MINUTE } from "../../src/fanout/rejection-log";
import { REJECTION_HINTS, type RejectionReason } from "../../src/ingest/rejection";
import type { RejectionPage } from "../../src/schema/read-models";
import { rapidproMsgEvent, rapidproRequest } from "../builders/rapidpro";
import { telerivetIncoming, telerivetRequest } from "../builders/telerivet";
import { voipbinCall, voipbinRequest } from "../builders/voipbin";
import { voxsigMessage, voxsigRequest } from "../builders/voxsig";
import { postIngest, type SignedRequest } from "../support/ingest";
import { admin, as, newTenant } from "./client";

type Api = ReturnType<typeof as>;

/** Reads a source's rejections until `done`, since ingest reports them after answering. */
async function rejectionsUntil(
	api: Api,
	source: string,
	done: (page: RejectionPage) => boolean,
	query = "",
	timeoutMs = 15_000,
): Promise<{ page: RejectionPage; text: string }> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const res = await api<RejectionPage>("GET", `/v1/sources/${source}/rejections${query}`);
		expect(res.status, res.text).toBe(200);
		if (done(res.body) || Date.now() > deadline) return { page: res.body, text: res.text };
		await new Promise((r) => setTimeout(r, 100));
	}
}

const SECRETS = {
	vb: "vb-secret-6b0f2c",
	rp: "rp-token-a81d3e",
	tr: "tr-secret-c4e2a9",
	vx: "vx-secret-93b1f0",
};

interface Case {
	reason: RejectionReason;
	provider: keyof typeof SECRETS;
	request: () => Promise<SignedRequest>;
	/** A header name the record must list. */
	header: string;
	/** Text that must appear nowhere in the API's answer: the body's, a proof's. */
	secretText: string[];
}

const vbBody = voipbinCall("call_hungup", { note: "body-text-7f3a" });
const cases: Case[] = [
	{
		reason: "missing_signature",
		provider: "vb",
		request: async () => ({ body: JSON.stringify(vbBody), headers: { "content-type": "application/json" } }),
		header: "content-type",
		secretText: ["body-text-7f3a"],
	},
	{
		reason: "signature_mismatch",
		provider: "vb",
		request: () => voipbinRequest(vbBody, "the-wrong-secret"),
		header: "x-voipbin-signature",
		secretText: ["body-text-7f3a", "the-wrong-secret"],
	},
	{
		reason: "token_mismatch",
		provider: "rp",
		request: async () => rapidproRequest(rapidproMsgEvent("msg_received"), { token: "wrong-token-55e1" }),
		header: "authorization",
		secretText: ["wrong-token-55e1"],
	},
	{
		reason: "bad_credentials",
		provider: "tr",
		request: async () => telerivetRequest(telerivetIncoming(), { secret: "wrong-basic-9a" }),
		header: "authorization",
		secretText: [btoa("telerivet:wrong-basic-9a"), "wrong-basic-9a"],
	},
	{
		reason: "timestamp_malformed",
		provider: "vx",
		request: () => voxsigRequest(voxsigMessage("message_created"), { secret: SECRETS.vx, timestamp: "soon" }),
		header: "x-chatwoot-timestamp",
		secretText: [],
	},
	{
		reason: "timestamp_outside_tolerance",
		provider: "vx",
		request: () =>
			voxsigRequest(voxsigMessage("message_created"), {
				secret: SECRETS.vx,
				timestamp: Math.floor(Date.now() / 1000) + 1000,
			}),
		header: "x-chatwoot-signature",
		secretText: [],
	},
	{
		reason: "unsupported_media_type",
		provider: "vb",
		request: async () => ({ body: "a=1", headers: { "content-type": "text/plain" } }),
		header: "content-type",
		secretText: [],
	},
	{
		reason: "malformed_body",
		provider: "vb",
		request: async () => ({ body: '{"secret-ish-body": ', headers: { "content-type": "application/json" } }),
		header: "content-type",
		secretText: ["secret-ish-body"],
	},
	{
		reason: "invalid_payload",
		provider: "vb",
		request: () => voipbinRequest({ type: 12345, data: "value-text-0c1d" }, SECRETS.vb),
		header: "x-voipbin-signature",
		secretText: ["value-text-0c1d", "12345"],
	},
	{
		reason: "body_too_large",
		provider: "vb",
		// Streamed without a Content-Length: refused once read past the limit.
		request: async () => ({ body: "x".repeat(1024 * 1024 + 1), headers: { "content-type": "application/json" } }),
		header: "content-type",
		secretText: ["xxxxxxxxxxxxxxxx"],
	},
];

/** Posts a request; `stream` sends the body without a Content-Length. */
function post(tenant: string, source: string, req: SignedRequest, stream = false): Promise<Response> {
	if (!stream) return postIngest(tenant, source, req);
	const bytes = new TextEncoder().encode(req.body);
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			for (let i = 0; i < bytes.length; i += 65536) controller.enqueue(bytes.slice(i, i + 65536));
			controller.close();
		},
	});
	return SELF.fetch(`https://hookfan.test/in/${tenant}/${source}`, {
		method: "POST",
		headers: req.headers,
		body,
		// @ts-expect-error: workerd's fetch takes a stream body without duplex, Node's types want it
		duplex: "half",
	});
}

const PROVIDERS = { vb: "voipbin", rp: "rapidpro", tr: "telerivet", vx: "voxsig" } as const;

describe("GET /v1/sources/{id}/rejections", () => {
	it("shows each refusal's reason, hint and header names, and never its body, secret or signature", async () => {
		const tenant = await newTenant("rej");
		const api = as(tenant.key);
		for (const [i, c] of cases.entries()) {
			const source = `${c.provider}-${i}`;
			const put = await api("PUT", `/v1/sources/${source}`, {
				provider: PROVIDERS[c.provider],
				secret: SECRETS[c.provider],
			});
			expect(put.status).toBeLessThan(300);
			const req = await c.request();
			const signature = req.headers["x-voipbin-signature"] ?? req.headers["x-chatwoot-signature"];
			const res = await post(tenant.id, source, req, c.reason === "body_too_large");
			expect(res.status, c.reason).toBeGreaterThanOrEqual(400);
			await res.body?.cancel();

			const { page, text } = await rejectionsUntil(api, source, (p) => p.data.length > 0);
			expect(page.data, c.reason).toHaveLength(1);
			const [rejection] = page.data;
			expect(rejection).toMatchObject({ reason: c.reason, hint: REJECTION_HINTS[c.reason], method: "POST" });
			expect(rejection?.header_names).toContain(c.header);
			expect(page.counts).toMatchObject({ total: 1, by_reason: { [c.reason]: 1 } });
			for (const secret of [SECRETS[c.provider], ...c.secretText, ...(signature ? [signature] : [])]) {
				expect(text, `${c.reason} leaks ${secret}`).not.toContain(secret);
			}
			if (c.reason === "timestamp_outside_tolerance") {
				expect(rejection?.detail.skew_seconds).toBeGreaterThanOrEqual(995);
				expect(rejection?.detail.skew_seconds).toBeLessThanOrEqual(1000);
			}
			if (c.reason === "invalid_payload") expect(rejection?.detail.issues?.length).toBeGreaterThan(0);
			if (c.reason === "body_too_large") expect(rejection?.body_bytes).toBeNull();
			if (c.reason === "signature_mismatch") expect(rejection?.body_bytes).toBe(req.body.length);
		}
	});

	it("records a method the source does not take, and the sender's User-Agent", async () => {
		const tenant = await newTenant("rej");
		const api = as(tenant.key);
		await api("PUT", "/v1/sources/vb", { provider: "voipbin", secret: SECRETS.vb });
		// VoIPbin sends POST, PUT, GET or DELETE (docs/providers.md), never PATCH.
		const res = await SELF.fetch(`https://hookfan.test/in/${tenant.id}/vb`, {
			method: "PATCH",
			headers: { "user-agent": "Mailroom/9.1" },
		});
		expect(res.status).toBe(405);
		const { page } = await rejectionsUntil(api, "vb", (p) => p.data.length > 0);
		expect(page.data[0]).toMatchObject({
			reason: "method_not_allowed",
			method: "PATCH",
			user_agent: "Mailroom/9.1",
			detail: { allowed: "GET, POST, PUT, DELETE" },
		});
	});

	it("stores nothing for an unknown source or tenant", async () => {
		const tenant = await newTenant("rej");
		const api = as(tenant.key);
		const wrong = await voipbinRequest(vbBody, "the-wrong-secret");
		expect((await postIngest(tenant.id, "later", wrong)).status).toBe(404);
		const ghost = `ghost-${Date.now().toString(36)}`;
		expect((await postIngest(ghost, "vb", wrong)).status).toBe(404);
		// A refusal to a known source of the same tenant, once visible, shows the earlier ones were not sent.
		await api("PUT", "/v1/sources/known", { provider: "voipbin", secret: SECRETS.vb });
		expect((await postIngest(tenant.id, "known", wrong)).status).toBe(401);
		await rejectionsUntil(api, "known", (p) => p.data.length > 0);

		await api("PUT", "/v1/sources/later", { provider: "voipbin", secret: SECRETS.vb });
		const later = await api<RejectionPage>("GET", "/v1/sources/later/rejections");
		expect(later.body).toEqual({
			data: [],
			next_cursor: null,
			counts: { total: 0, by_reason: {}, since: null, last_at: null },
		});
		const rows = await runInDurableObject(env.TENANT.getByName(ghost), (_, state) =>
			state.storage.sql.exec("SELECT COUNT(*) AS n FROM rejection_counts").one(),
		);
		expect(rows.n).toBe(0);
	});

	it("answers 404 for an unknown source and for another tenant's source", async () => {
		const owner = await newTenant("rej");
		const intruder = await newTenant("rej");
		await as(owner.key)("PUT", "/v1/sources/vb", { provider: "voipbin", secret: SECRETS.vb });
		expect((await as(owner.key)("GET", "/v1/sources/nope/rejections")).status).toBe(404);
		const res = await as(intruder.key)("GET", "/v1/sources/vb/rejections");
		expect(res.status).toBe(404);
		expect(res.body).toMatchObject({ code: "not_found" });
		expect((await as(owner.key)("GET", "/v1/sources/vb/rejections?cursor=x")).status).toBe(422);
	});

	it("stores at most the per-minute bound of a burst of 200, counts all of them, and forgets them with the source", async () => {
		const tenant = await newTenant("rej");
		const api = as(tenant.key);
		await api("PUT", "/v1/sources/vb", { provider: "voipbin", secret: SECRETS.vb });
		const wrong = await voipbinRequest(vbBody, "the-wrong-secret");
		const started = Date.now();
		for (let i = 0; i < 200; i++) {
			const res = await postIngest(tenant.id, "vb", wrong);
			expect(res.status).toBe(401);
			await res.body?.cancel();
		}
		// The isolate reports the rest when its interval (6 s) ends.
		const { page } = await rejectionsUntil(api, "vb", (p) => p.counts.total >= 200, "?limit=200", 30_000);
		expect(page.counts.total).toBe(200);
		expect(page.counts.by_reason).toEqual({ signature_mismatch: 200 });
		expect(page.data.length).toBeGreaterThan(0);
		// At most the bound per minute the burst and its last report spanned (one, unless the machine crawls).
		const minutes = 1 + Math.floor((Date.now() - started) / 60_000);
		expect(page.data.length).toBeLessThanOrEqual(STORED_PER_MINUTE * minutes);
		const ids = page.data.map((r) => r.id);
		expect(ids).toEqual([...ids].sort((a, b) => b - a)); // newest first
		expect(ids[0]).toBe(200);

		const first = await api<RejectionPage>("GET", "/v1/sources/vb/rejections?limit=2");
		expect(first.body.data).toHaveLength(2);
		const next = await api<RejectionPage>("GET", `/v1/sources/vb/rejections?limit=2&cursor=${first.body.next_cursor}`);
		expect(next.body.data[0]?.id).toBeLessThan(first.body.data[1]?.id ?? 0);

		expect((await api("DELETE", "/v1/sources/vb")).status).toBe(204);
		await api("PUT", "/v1/sources/vb", { provider: "voipbin", secret: SECRETS.vb });
		const after = await api<RejectionPage>("GET", "/v1/sources/vb/rejections");
		expect(after.body.counts.total).toBe(0);
		expect(after.body.data).toEqual([]);
	});

	it("goes with its tenant", async () => {
		const tenant = await newTenant("rej");
		const api = as(tenant.key);
		await api("PUT", "/v1/sources/vb", { provider: "voipbin", secret: SECRETS.vb });
		expect((await postIngest(tenant.id, "vb", await voipbinRequest(vbBody, "the-wrong-secret"))).status).toBe(401);
		await rejectionsUntil(api, "vb", (p) => p.data.length > 0);
		expect((await admin("DELETE", `/v1/tenants/${tenant.id}`)).status).toBe(204);
		const left = await runInDurableObject(env.TENANT.getByName(tenant.id), (_, state) => ({
			rows: state.storage.sql.exec("SELECT COUNT(*) AS n FROM rejections").one().n,
			counts: state.storage.sql.exec("SELECT COUNT(*) AS n FROM rejection_counts").one().n,
		}));
		expect(left).toEqual({ rows: 0, counts: 0 });
	});
});
