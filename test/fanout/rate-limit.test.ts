/**
 * A subscription's pace: `rate_limit_per_second` caps attempt starts in any one second (as the
 * subscriber sees them arrive) without losing anything, on the queue path and in the ordered lane;
 * a 503 or 429 with Retry-After holds the subscription's other events too.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Envelope } from "../../src/schema/envelope";
import type { SubscriptionInput } from "../../src/schema/subscription";
import { VOIPBIN_SECRET, voipbinCall, voipbinRequest } from "../builders/voipbin";
import { ingestOk } from "../support/ingest";
import { type Received, sinkName, sinkUrl, waitFor } from "../support/sink";
import { freshTenant, seedSource } from "../support/sources";
import { subscribe } from "../support/subscriptions";

async function postCalls(tenant: string, from: number, count: number): Promise<void> {
	for (let i = from; i < from + count; i++) {
		const tm = `2026-11-20 10:00:00.${String(i).padStart(6, "0")}`;
		await ingestOk(tenant, "vb", await voipbinRequest(voipbinCall("call_updated", { id: `c${i}`, tm_update: tm })));
	}
}

/** The most requests the sink received within any one second. */
function busiestSecond(got: Received[]): number {
	const at = got.map((r) => r.at).sort((a, b) => a - b);
	let most = 0;
	for (let i = 0, j = 0; j < at.length; j++) {
		while ((at[j] as number) - (at[i] as number) >= 1000) i++;
		most = Math.max(most, j - i + 1);
	}
	return most;
}

const sequences = (got: Received[]) => new Set(got.map((r) => (JSON.parse(r.body) as Envelope).sequence));

/** A subscription answering as `behaviour` that a backlog of `backlog` events waits for, then resumed. */
async function backlogged(behaviour: string, backlog: number, sub: Partial<SubscriptionInput>) {
	const tenant = freshTenant();
	await seedSource(tenant, "vb", { provider: "voipbin", secret: VOIPBIN_SECRET });
	const sink = sinkName();
	const id = await subscribe(tenant, { url: sinkUrl(behaviour, sink), status: "paused", ...sub });
	await postCalls(tenant, 0, backlog);
	await env.TENANT.getByName(tenant).setStatus(id, "active");
	return { tenant, sink };
}

describe("rate_limit_per_second", () => {
	it("starts at most 5 attempts in any second over a backlog of 20 unordered events, and loses none", async () => {
		const { sink } = await backlogged("ok", 20, { ordering: "unordered", rate_limit_per_second: 5 });
		const got = await waitFor(sink, (r) => sequences(r).size >= 20, 60_000);
		expect(sequences(got).size).toBe(20);
		expect(busiestSecond(got)).toBeLessThanOrEqual(5);
	}, 90_000);

	it("holds an ordered lane to its rate too", async () => {
		const { sink } = await backlogged("ok", 8, { ordering: "ordered", rate_limit_per_second: 3 });
		const got = await waitFor(sink, (r) => sequences(r).size >= 8, 60_000);
		expect(got.map((r) => (JSON.parse(r.body) as Envelope).sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
		expect(busiestSecond(got)).toBeLessThanOrEqual(3);
	}, 90_000);
});

describe("Retry-After", () => {
	it("holds the subscription's other events until it runs out, not only the one that got it", async () => {
		const tenant = freshTenant();
		await seedSource(tenant, "vb", { provider: "voipbin", secret: VOIPBIN_SECRET });
		const sink = sinkName();
		await subscribe(tenant, { url: sinkUrl("retry-after/2", sink), ordering: "unordered" });
		await postCalls(tenant, 0, 1);
		const [refused] = await waitFor(sink, (r) => r.length >= 1);
		expect(refused?.status).toBe(503);
		await postCalls(tenant, 1, 3);
		const got = await waitFor(sink, (r) => sequences(r).size >= 4 && r.length >= 5, 60_000);
		expect(sequences(got).size).toBe(4);
		for (const r of got.slice(1)) expect(r.at - (refused?.at ?? 0)).toBeGreaterThanOrEqual(2000);
	}, 90_000);
});
