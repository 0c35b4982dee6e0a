/**
 * The defects the fuzz and chaos suites found, each pinned by the smallest case that showed it
 * (see docs/hostile-input.md). Before the fixes: a 200 for an event that was then dropped or pushed
 * onto the queue path, a timestamp accepted outside its tolerance, a timed-out subscriber retried
 * with no pause, and a slow subscriber holding back its tenant's other subscriptions.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { utf8 } from "../../src/crypto/bytes";
import { standardSignature, whsecKey } from "../../src/crypto/standard-webhooks";
import * as store from "../../src/fanout/delivery-store";
import { handOff } from "../../src/fanout/hand-off";
import { settle } from "../../src/fanout/settle";
import type { PendingEnvelope } from "../../src/schema/envelope";
import { SubscriptionSchema } from "../../src/schema/subscription";
import { type StandardWebhooksSource, verifyStandardWebhooks } from "../../src/verify/standardwebhooks";
import { voipbinRequest } from "../builders/voipbin";
import { voxsigRequest } from "../builders/voxsig";
import { postCalls, seedVoipbin } from "../support/events";
import { type Accepted, ingestOk, postIngest } from "../support/ingest";
import { storedEvents } from "../support/log";
import { sinkName, sinkUrl, waitFor } from "../support/sink";
import { freshTenant, seedSource } from "../support/sources";
import { subscribe, TEST_SECRET } from "../support/subscriptions";

/** The log right after the 200, without waiting: an event that took the queue path is not there yet. */
async function appendedAt(tenant: string, accepted: Accepted) {
	return (await storedEvents(tenant)).find((e) => e.id === accepted.id);
}

describe("regressions found by fuzzing", () => {
	it("logs a VoIPbin event whose type names an Object.prototype member", async () => {
		const tenant = freshTenant("rg");
		await seedSource(tenant, "vb", { provider: "voipbin", secret: "test-voipbin-secret" });
		for (const type of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]) {
			const accepted = await ingestOk(tenant, "vb", await voipbinRequest({ type, data: { id: `c-${type}` } }));
			const event = await appendedAt(tenant, accepted);
			expect(event, type).toMatchObject({ type: `voipbin.${type}`, provider_type: type, data: {} });
		}
	});

	it("logs a VoIPbin event whose id and tm_update are too long for a dedupe key, and dedupes it by body", async () => {
		const tenant = freshTenant("rg");
		await seedSource(tenant, "vb", { provider: "voipbin", secret: "test-voipbin-secret" });
		const payload = { type: "call_created", data: { id: "c".repeat(300), tm_update: "t".repeat(500) } };
		const accepted = await ingestOk(tenant, "vb", await voipbinRequest(payload));
		expect(await appendedAt(tenant, accepted)).toBeDefined();
		expect(await ingestOk(tenant, "vb", await voipbinRequest(payload))).toEqual({ id: accepted.id, duplicate: true });
	});

	it("keeps a nested __proto__ key of a Voxsig payload as data, and logs the event directly", async () => {
		const tenant = freshTenant("rg");
		await seedSource(tenant, "vx", { provider: "voxsig", secret: "test-chatwoot-secret" });
		const body = '{"event":"message_created","id":7,"sender":{"__proto__":{"type":"contact"},"name":"x"}}';
		const req = await voxsigRequest(JSON.parse(body));
		const accepted = await ingestOk(tenant, "vx", { ...req, body });
		const event = await appendedAt(tenant, accepted);
		const sender = (event?.raw as { sender?: object } | undefined)?.sender ?? null;
		expect(Object.getOwnPropertyNames(sender)).toEqual(["__proto__", "name"]);
		expect(Object.getPrototypeOf(sender)).toBe(Object.prototype);
	});

	it("keeps a top-level __proto__ key in raw, as a plain key (zod's copy used to drop it)", async () => {
		const tenant = freshTenant("rg");
		await seedSource(tenant, "vb", { provider: "voipbin", secret: "test-voipbin-secret" });
		await seedSource(tenant, "vx", { provider: "voxsig", secret: "test-chatwoot-secret" });
		const cases = [
			[
				"vb",
				await voipbinRequest(JSON.parse('{"__proto__":{"polluted":1},"type":"call_created","data":{"id":"c-p"}}')),
			],
			["vx", await voxsigRequest(JSON.parse('{"__proto__":{"polluted":1},"event":"message_created","id":8}'))],
		] as const;
		for (const [source, req] of cases) {
			const event = await appendedAt(tenant, await ingestOk(tenant, source, req));
			const raw = event?.raw as object;
			expect(Object.getOwnPropertyNames(raw)[0], source).toBe("__proto__");
			expect(Object.getOwnPropertyDescriptor(raw, "__proto__")?.value, source).toEqual({ polluted: 1 });
			expect(Object.getPrototypeOf(raw), source).toBe(Object.prototype);
			expect(({} as { polluted?: number }).polluted).toBeUndefined();
		}
	});

	it("refuses to hand off an envelope the log would refuse, instead of queueing it behind a 200", async () => {
		const tenant = freshTenant("rg");
		const envelope = {
			id: "evt_01M848FMNDDXQ36ABBHX4D8HGS",
			tenant,
			source: "vb",
			provider: "voipbin",
			provider_type: "x",
			type: "",
			occurred_at: null,
			data: {},
			subject: null,
			raw: {},
			received_at: new Date().toISOString(),
		} satisfies PendingEnvelope;
		await expect(handOff(env, { envelope, dedupe_key: "k" })).rejects.toThrow();
		await expect(handOff(env, { envelope: { ...envelope, type: "x" }, dedupe_key: "k".repeat(513) })).rejects.toThrow();
		expect(await storedEvents(tenant)).toEqual([]);
	});

	it("refuses with 413 an event whose envelope the log could not store, and keeps one just under it", async () => {
		const tenant = freshTenant("rg");
		await seedSource(tenant, "vx", { provider: "voxsig", secret: "test-chatwoot-secret" });
		const message = (content: string) => ({
			event: "message_created",
			id: content.length,
			message_type: "incoming",
			content,
		});
		// Under the 1 MiB body limit, but the text is in both `data` and `raw`: over 2 MB in the log.
		const tooBig = await voxsigRequest(message("a".repeat(1_040_000)));
		const refused = await postIngest(tenant, "vx", tooBig);
		expect(refused.status).toBe(413);
		expect(await refused.json()).toMatchObject({ code: "payload_too_large" });
		const fits = await ingestOk(tenant, "vx", await voxsigRequest(message("a".repeat(900_000))));
		expect((await storedEvents(tenant)).map((e) => e.id)).toEqual([fits.id]);
	});

	it("refuses a Standard Webhooks timestamp 300.4 s in the future under a 300 s tolerance", async () => {
		const secret = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
		const source: StandardWebhooksSource = {
			provider: "standardwebhooks",
			secret,
			verification: "signature",
			tolerance_seconds: 300,
		};
		const body = '{"type":"x"}';
		const at = (ts: number, nowMs: number) =>
			standardSignature(whsecKey(secret) as Uint8Array<ArrayBuffer>, "msg_1", ts, utf8(body)).then((sig) =>
				verifyStandardWebhooks(
					{
						headers: new Headers({ "webhook-id": "msg_1", "webhook-timestamp": String(ts), "webhook-signature": sig }),
						url: new URL("https://hookfan.test/in/t/s"),
						rawBody: utf8(body),
						body: JSON.parse(body),
						now: nowMs,
					},
					source,
				),
			);
		// .6 s past a whole second: 301 s ahead is 300.4 s away, which rounding used to make 300.
		const now = 1_767_225_600_600;
		expect(await at(1_767_225_600 + 301, now)).toEqual({ ok: false, reason: "stale_timestamp", ageSeconds: -300 });
		expect(await at(1_767_225_600 - 300, now)).toEqual({ ok: false, reason: "stale_timestamp", ageSeconds: 301 });
		expect(await at(1_767_225_600 + 300, now)).toEqual({ ok: true });
	});

	it("waits out the retry delay after an attempt ends, so a timed-out subscriber is not retried at once", async () => {
		const tenant = freshTenant("rg");
		const decision = await runInDurableObject(env.TENANT.getByName(tenant), (_instance, state) => {
			const sql = state.storage.sql;
			const sub = SubscriptionSchema.parse({
				id: "sub_rg1",
				url: "https://example.com/",
				secrets: [TEST_SECRET],
				retry_schedule: [5],
			});
			store.upsertSubscription(sql, sub);
			store.fanOut(sql, 1, [{ subId: sub.id, key: null }], 0);
			const row = store.getDelivery(sql, sub.id, 1);
			if (!row) throw new Error("no delivery row");
			// An attempt that started at t = 1000 and timed out 15 s later.
			const outcome = {
				classification: { outcome: "retry", error: "timeout", retryAfterMs: null } as const,
				status: null,
				latencyMs: 15_000,
			};
			return settle(sql, { sub, row, eventId: "evt_x", outcome, at: 1000, via: "alarm", queueLeaseMs: 0 });
		});
		// 5 s (±20 % jitter) after the attempt gave up, not 5 s after it began (long past by then).
		expect(decision).toMatchObject({ kind: "retry" });
		expect((decision as { nextAt: number }).nextAt).toBeGreaterThanOrEqual(1000 + 15_000 + 4000);
	});

	it("delivers to a healthy subscription while a slow neighbour in the same tenant is mid-attempt", async () => {
		const tenant = freshTenant("rg");
		await seedVoipbin(tenant);
		const [slow, healthy] = [sinkName("slow"), sinkName("ok")];
		await subscribe(tenant, { url: sinkUrl("slow/2500", slow) });
		await subscribe(tenant, { url: sinkUrl("ok", healthy) });
		await postCalls(tenant, 1);
		await waitFor(healthy, (r) => r.length >= 1);
		// The slow subscriber is now holding its lane for 2.5 s; the next event must not wait for it.
		const sent = Date.now();
		await postCalls(tenant, 1, { from: 2 });
		const got = await waitFor(healthy, (r) => r.length >= 2, 5000);
		expect(got).toHaveLength(2);
		expect((got[1]?.at ?? Number.POSITIVE_INFINITY) - sent).toBeLessThan(1500);
		await waitFor(slow, (r) => r.length >= 2, 20_000);
	}, 30_000);
});
