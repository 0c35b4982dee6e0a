/**
 * Batches: an ordered subscription with `batch` receives JSON arrays of envelopes in sequence order,
 * every event exactly once; a failed batch is retried whole (same webhook-id, same bytes); each
 * batch is signed once, verifiably with the Standard Webhooks library.
 */
import { env } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import type { Envelope } from "../../src/schema/envelope";
import type { Batch } from "../../src/schema/subscription";
import { VOIPBIN_SECRET, voipbinCall, voipbinRequest } from "../builders/voipbin";
import { ingestOk } from "../support/ingest";
import { type Received, sinkName, sinkUrl, waitFor } from "../support/sink";
import { freshTenant, seedSource } from "../support/sources";
import { subscribe, TEST_SECRET } from "../support/subscriptions";

async function postCalls(tenant: string, count: number): Promise<void> {
	for (let i = 0; i < count; i++) {
		const tm = `2026-11-20 10:00:00.${String(i).padStart(6, "0")}`;
		await ingestOk(tenant, "vb", await voipbinRequest(voipbinCall("call_updated", { id: `c${i}`, tm_update: tm })));
	}
}

/** The sequences each successful request carried, in the order they arrived. */
function batches(got: Received[]): number[][] {
	return got.filter((r) => r.status < 300).map((r) => (JSON.parse(r.body) as Envelope[]).map((e) => e.sequence));
}

const count = (got: Received[]) => batches(got).flat().length;

/**
 * A tenant with a VoIPBin source and a batch subscription answering as `behaviour`; with `backlog`,
 * that many events wait while it is paused and it is then resumed, so the batches form from a backlog.
 */
async function batchSubscriber(behaviour: string, batch: Batch, backlog = 0) {
	const tenant = freshTenant();
	await seedSource(tenant, "vb", { provider: "voipbin", secret: VOIPBIN_SECRET });
	const sink = sinkName();
	const paused = backlog > 0 ? "paused" : "active";
	const sub = await subscribe(tenant, { url: sinkUrl(behaviour, sink), batch, status: paused });
	if (backlog > 0) {
		await postCalls(tenant, backlog);
		await env.TENANT.getByName(tenant).setStatus(sub, "active");
	}
	return { tenant, sink, sub };
}

describe("ordered subscriptions with batch", () => {
	it("receive arrays in sequence order that cover every event exactly once", async () => {
		const { sink } = await batchSubscriber("ok", { max_events: 3, max_wait_ms: 300 }, 7);
		const got = await waitFor(sink, (r) => count(r) >= 7, 30_000);
		expect(batches(got)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
		const [first] = got;
		expect(() => new Webhook(TEST_SECRET).verify(first?.body ?? "", first?.headers ?? {})).not.toThrow();
	}, 60_000);

	it("wait for a batch to fill, then send what they have once max_wait_ms runs out", async () => {
		const { tenant, sink } = await batchSubscriber("ok", { max_events: 100, max_wait_ms: 5000 });
		await postCalls(tenant, 4);
		const got = await waitFor(sink, (r) => count(r) >= 4, 30_000);
		// Four events posted well within 5 s of each other arrive together, once the wait runs out.
		expect(batches(got)).toEqual([[1, 2, 3, 4]]);
	}, 60_000);

	it("retry a failed batch whole: same webhook-id, same body, order kept", async () => {
		const { tenant, sink, sub } = await batchSubscriber("fail/1", { max_events: 2, max_wait_ms: 0 }, 3);
		const got = await waitFor(sink, (r) => count(r) >= 3, 30_000);
		const [failed, retried] = got;
		expect(failed?.status).toBe(500);
		expect(retried?.headers["webhook-id"]).toBe(failed?.headers["webhook-id"]);
		expect(retried?.body).toBe(failed?.body);
		expect(batches(got)).toEqual([[1, 2], [3]]);
		// Each event's attempts stay truthful: one attempt row per event per batch attempt.
		const attempts = await env.TENANT.getByName(tenant).listAttempts(sub, { limit: 50 });
		const perSeq = (seq: number) => attempts.data.filter((a) => a.sequence === seq).map((a) => a.status);
		expect([perSeq(1), perSeq(2), perSeq(3)].map((s) => s.sort())).toEqual([[200, 500], [200, 500], [200]]);
	}, 60_000);
});
