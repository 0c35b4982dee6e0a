/**
 * Per-key ordering through the DELIVERIES queue: events with one key arrive in sequence order, one in
 * flight per key, while keys run in parallel; a subscriber failing at random loses nothing and breaks
 * no key's order; GET state says how many keys wait.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Envelope } from "../../src/schema/envelope";
import { VOIPBIN_SECRET, voipbinCall, voipbinRequest } from "../builders/voipbin";
import { ingestOk } from "../support/ingest";
import { type Received, sinkName, sinkUrl, waitFor } from "../support/sink";
import { freshTenant, seedSource } from "../support/sources";
import { subscribe } from "../support/subscriptions";

/** Posts `count` call updates spread over `keys` calls (k0..k{keys-1}): event i is about call k{i % keys}. */
async function postKeyed(tenant: string, count: number, keys: number): Promise<void> {
	for (let i = 0; i < count; i++) {
		const tm = `2026-11-20 10:00:00.${String(i).padStart(6, "0")}`;
		await ingestOk(
			tenant,
			"vb",
			await voipbinRequest(voipbinCall("call_updated", { id: `k${i % keys}`, tm_update: tm })),
		);
	}
}

function envelopes(got: Received[], onlyOk = true): Envelope[] {
	return got.filter((r) => !onlyOk || r.status < 300).map((r) => JSON.parse(r.body) as Envelope);
}

/** Pairs (key, sequence) delivered out of order within a key, among the successful deliveries. */
function violations(got: Envelope[]): string[] {
	const last = new Map<string, number>();
	const out: string[] = [];
	for (const e of got) {
		const key = e.subject ?? "";
		const prev = last.get(key) ?? 0;
		if (e.sequence < prev) out.push(`${key}: ${e.sequence} after ${prev}`);
		last.set(key, Math.max(prev, e.sequence));
	}
	return out;
}

describe("per_key subscriptions", () => {
	it("deliver every event, each key in sequence order, under a subscriber failing 30 % of attempts", async () => {
		const tenant = freshTenant();
		await seedSource(tenant, "vb", { provider: "voipbin", secret: VOIPBIN_SECRET });
		const sink = sinkName();
		await subscribe(tenant, {
			url: sinkUrl("flaky", sink, "?rate=0.3"),
			ordering: "per_key",
			max_in_flight: 4,
			retry_schedule: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
		});
		await postKeyed(tenant, 40, 4);
		const distinctOk = (r: Received[]) => new Set(envelopes(r).map((e) => e.sequence)).size;
		const got = await waitFor(sink, (r) => distinctOk(r) >= 40, 120_000);
		const ok = envelopes(got);
		expect(distinctOk(got)).toBe(40);
		expect(violations(ok)).toEqual([]);
		expect(new Set(ok.map((e) => e.subject))).toEqual(new Set(["call:k0", "call:k1", "call:k2", "call:k3"]));
	}, 180_000);

	it("keep keys in parallel: a slow subscriber gets several keys at once, never two of one key", async () => {
		const tenant = freshTenant();
		await seedSource(tenant, "vb", { provider: "voipbin", secret: VOIPBIN_SECRET });
		const sink = sinkName();
		const sub = await subscribe(tenant, { url: sinkUrl("slow/300", sink), ordering: "per_key", status: "paused" });
		await postKeyed(tenant, 12, 3);
		const paused = await env.TENANT.getByName(tenant).getSubscription(sub);
		expect(paused?.state).toMatchObject({ backlog: 12, backlog_keys: 3, in_flight: 0 });
		expect(paused?.state.oldest_waiting?.sequence).toBe(1);
		await env.TENANT.getByName(tenant).setStatus(sub, "active");
		const got = await waitFor(sink, (r) => r.length >= 12, 60_000);
		expect(got).toHaveLength(12);
		expect(violations(envelopes(got))).toEqual([]);
		// The three keys' heads were in flight together: their answers came within one 300 ms attempt.
		const firstRound = got.slice(0, 3).map((r) => r.at);
		expect(Math.max(...firstRound) - Math.min(...firstRound)).toBeLessThan(300);
		expect(new Set(envelopes(got.slice(0, 3)).map((e) => e.subject)).size).toBe(3);
		const done = await env.TENANT.getByName(tenant).getSubscription(sub);
		expect(done?.state).toMatchObject({ backlog: 0, backlog_keys: 0, oldest_waiting: null });
	}, 120_000);
});
