/**
 * The settle stage against a real SQLite database (a tenant Durable Object's, in the test runtime):
 * what one attempt's outcome leaves the delivery row, the attempt log and the subscription at.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AttemptOutcome } from "../../src/fanout/deliver";
import * as store from "../../src/fanout/delivery-store";
import { listAttempts } from "../../src/fanout/log-queries";
import { MAX_QUEUE_DELAY_SECONDS, type Settled, settle } from "../../src/fanout/settle";
import { type SubscriptionInput, SubscriptionSchema } from "../../src/schema/subscription";
import { freshTenant } from "../support/sources";
import { TEST_SECRET } from "../support/subscriptions";

const AT = 1_767_225_600_000;
const LEASE_MS = 15 * 60_000;

const delivered: AttemptOutcome = { classification: { outcome: "delivered" }, status: 200, latencyMs: 40 };
const failed: AttemptOutcome = {
	classification: { outcome: "retry", error: "http_status", retryAfterMs: null },
	status: 500,
	latencyMs: 40,
};
const gone: AttemptOutcome = { classification: { outcome: "gone" }, status: 410, latencyMs: 40 };

interface Case {
	sub?: Partial<SubscriptionInput>;
	outcome: AttemptOutcome;
	via?: "alarm" | "queue";
	/** Attempts already made in this retry schedule. */
	before?: number;
}

/** Settles one attempt at event 1 of a fresh subscription; returns the decision and what was stored. */
function settleOnce(c: Case) {
	return runInDurableObject(env.TENANT.getByName(freshTenant("settle")), (_instance, state) => {
		const sql = state.storage.sql;
		const sub = SubscriptionSchema.parse({
			id: "sub_settle",
			url: "https://subscriber.example/",
			secrets: [TEST_SECRET],
			retry_schedule: [5, 60],
			...c.sub,
		});
		store.upsertSubscription(sql, sub);
		store.fanOut(sql, 1, [{ subId: sub.id, key: null }], AT);
		if (c.before) store.setDeliveryState(sql, { sub_id: sub.id, seq: 1 }, "pending", AT, AT, c.before);
		const row = store.getDelivery(sql, sub.id, 1);
		if (!row) throw new Error("no delivery row");
		const decision: Settled = state.storage.transactionSync(() =>
			settle(sql, {
				sub,
				row,
				eventId: "evt_1",
				outcome: c.outcome,
				at: AT,
				via: c.via ?? "alarm",
				queueLeaseMs: LEASE_MS,
			}),
		);
		return {
			decision,
			row: store.getDelivery(sql, sub.id, 1),
			attempts: listAttempts(sql, sub.id, { limit: 10 }).data,
			status: store.readSubscriptions(sql)[0]?.status,
		};
	});
}

describe("settle", () => {
	it("marks a delivered attempt's delivery delivered and logs the attempt without an error", async () => {
		const { decision, row, attempts, status } = await settleOnce({ outcome: delivered });
		expect(decision).toEqual({ kind: "delivered" });
		expect(row).toMatchObject({
			state: "delivered",
			attempts: 1,
			total_attempts: 1,
			last_status: 200,
			last_error: null,
		});
		expect(attempts).toEqual([
			expect.objectContaining({ attempt: 1, status: 200, error: null, latency_ms: 40, next_attempt_at: null }),
		]);
		expect(status).toBe("active");
	});

	it("leaves a failed ordered attempt pending for the alarm, due after the schedule's delay from when it ended", async () => {
		const { decision, row, attempts } = await settleOnce({ outcome: failed });
		expect(decision).toMatchObject({ kind: "retry", viaQueue: false });
		const nextAt = (decision as { nextAt: number }).nextAt;
		// 5 s, ±20 % jitter, from the end of the attempt (AT + 40 ms).
		expect(nextAt).toBeGreaterThanOrEqual(AT + 40 + 4000);
		expect(nextAt).toBeLessThanOrEqual(AT + 40 + 6000);
		expect(row).toMatchObject({
			state: "pending",
			attempts: 1,
			next_at: nextAt,
			last_status: 500,
			last_error: "http_status",
		});
		expect(attempts[0]).toMatchObject({ error: "http_status", next_attempt_at: new Date(nextAt).toISOString() });
	});

	it("keeps a failed queue attempt queued, its lease past the due time, and tells the consumer the delay", async () => {
		const { decision, row } = await settleOnce({ outcome: failed, via: "queue" });
		expect(decision).toMatchObject({ kind: "retry", viaQueue: true });
		const { nextAt, delaySeconds } = decision as { nextAt: number; delaySeconds: number };
		expect(delaySeconds).toBe(Math.ceil((nextAt - AT - 40) / 1000));
		expect(row).toMatchObject({ state: "queued", attempts: 1, next_at: nextAt + LEASE_MS });
	});

	it("hands a queue retry longer than the queue can delay back to the alarm", async () => {
		const { decision, row } = await settleOnce({ outcome: failed, via: "queue", sub: { retry_schedule: [86_400] } });
		expect(decision).toMatchObject({ kind: "retry", viaQueue: false });
		expect((decision as { delaySeconds: number }).delaySeconds).toBeGreaterThan(MAX_QUEUE_DELAY_SECONDS);
		expect(row).toMatchObject({ state: "pending", next_at: (decision as { nextAt: number }).nextAt });
	});

	it("dead-letters the event when the schedule is exhausted and on_exhausted is dead_letter", async () => {
		const { decision, row, attempts, status } = await settleOnce({ outcome: failed, before: 2 });
		expect(decision).toEqual({ kind: "dead_letter" });
		expect(row).toMatchObject({ state: "failed", attempts: 3, last_error: "http_status" });
		expect(attempts[0]).toMatchObject({ next_attempt_at: null });
		expect(status).toBe("active");
	});

	it("pauses the subscription when the schedule is exhausted with on_exhausted pause, holding the event at its head", async () => {
		const { decision, row, status } = await settleOnce({ outcome: failed, before: 2, sub: { on_exhausted: "pause" } });
		expect(decision).toEqual({ kind: "pause", subscriptionStatus: "paused" });
		// Pending with a fresh schedule: a resume tries it again first.
		expect(row).toMatchObject({ state: "pending", attempts: 0, last_error: "http_status" });
		expect(status).toBe("paused");
	});

	it("disables the subscription on a 410 Gone, at once, and keeps the event pending", async () => {
		const { decision, row, attempts, status } = await settleOnce({ outcome: gone });
		expect(decision).toEqual({ kind: "disable", subscriptionStatus: "disabled" });
		expect(row).toMatchObject({ state: "pending", attempts: 0, last_status: 410, last_error: "gone" });
		expect(attempts[0]).toMatchObject({ status: 410, error: "gone" });
		expect(status).toBe("disabled");
	});
});
