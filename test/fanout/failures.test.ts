import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { postCalls, seedVoipbin } from "../support/events";
import { sinkName, sinkUrl, waitFor } from "../support/sink";
import { freshTenant } from "../support/sources";
import { subscribe } from "../support/subscriptions";

const log = (tenant: string) => env.TENANT.getByName(tenant);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForStatus(tenant: string, subId: string, status: string, timeoutMs = 10_000) {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const sub = await log(tenant).getSubscription(subId);
		if (sub?.status === status || Date.now() > until) return sub;
		await sleep(100);
	}
}

describe("when a subscriber fails", () => {
	it("retries a failing delivery until it succeeds, keeping every attempt in the log", async () => {
		const tenant = freshTenant();
		await seedVoipbin(tenant);
		const sink = sinkName();
		const sub = await subscribe(tenant, { url: sinkUrl("fail/2", sink) });
		await postCalls(tenant, 1);
		const got = await waitFor(sink, (r) => r.some((x) => x.status === 200));
		expect(got.map((r) => r.status)).toEqual([500, 500, 200]);
		expect(new Set(got.map((r) => r.headers["webhook-id"])).size).toBe(1);
		const attempts = await log(tenant).listAttempts(sub, { limit: 10 });
		expect(attempts.data.map((a) => [a.attempt, a.status, a.error?.split(":")[0] ?? null])).toEqual([
			[3, 200, null],
			[2, 500, "http_status"],
			[1, 500, "http_status"],
		]);
		// The class, then the failure in words with the start of the subscriber's answer.
		expect(attempts.data[1]?.error).toMatch(/^http_status: HTTP 500/);
	});

	it("disables the subscription on 410 Gone and holds the event, with no next attempt, until a resume", async () => {
		const tenant = freshTenant();
		await seedVoipbin(tenant);
		const sink = sinkName();
		const sub = await subscribe(tenant, { url: sinkUrl("status/410", sink) });
		const [accepted] = await postCalls(tenant, 1);
		const state = await waitForStatus(tenant, sub, "disabled");
		expect(state?.status).toBe("disabled");
		const [later] = await postCalls(tenant, 1, { from: 2 });
		await sleep(1500);
		expect((await waitFor(sink, () => false, 0)).length).toBe(1);
		const event = await log(tenant).getEvent(accepted?.id ?? "");
		expect(event?.deliveries).toEqual([
			expect.objectContaining({ subscription_id: sub, state: "held", next_attempt_at: null, last_status: 410 }),
		]);
		const behind = await log(tenant).getEvent(later?.id ?? "");
		expect(behind?.deliveries).toEqual([expect.objectContaining({ state: "held", next_attempt_at: null })]);
		expect((await log(tenant).getSubscription(sub))?.state.oldest_open).toMatchObject({
			sequence: 1,
			state: "held",
			next_attempt_at: null,
		});
	});

	it("shows a failing head as retrying with its future next attempt, and the events behind it as waiting for it", async () => {
		const tenant = freshTenant();
		await seedVoipbin(tenant);
		const sink = sinkName();
		const sub = await subscribe(tenant, { url: sinkUrl("status/500", sink), retry_schedule: [60] });
		const [head, behind] = await postCalls(tenant, 2);
		await waitFor(sink, (r) => r.length >= 1);
		await sleep(300); // the attempt is settled just after the subscriber answers
		const headView = (await log(tenant).getEvent(head?.id ?? ""))?.deliveries[0];
		expect(headView).toMatchObject({ state: "retrying", attempts: 1, last_status: 500, waiting_for_sequence: null });
		expect(Date.parse(headView?.next_attempt_at ?? "")).toBeGreaterThan(Date.now());
		expect((await log(tenant).getEvent(behind?.id ?? ""))?.deliveries[0]).toMatchObject({
			state: "waiting",
			waiting_for_sequence: 1,
			next_attempt_at: null,
		});
		expect((await log(tenant).getSubscription(sub))?.state.oldest_open).toMatchObject({
			sequence: 1,
			state: "retrying",
			next_attempt_at: headView?.next_attempt_at,
		});
	});

	for (const ordering of ["ordered", "unordered"] as const) {
		it(`keeps the events that arrive while an ${ordering} subscription is disabled, and sends them on resume`, async () => {
			const tenant = freshTenant();
			await seedVoipbin(tenant);
			const sink = sinkName();
			const sub = await subscribe(tenant, { url: sinkUrl("status/410", sink), ordering });
			await postCalls(tenant, 1);
			expect((await waitForStatus(tenant, sub, "disabled"))?.status).toBe("disabled");
			await postCalls(tenant, 3, { from: 2 });
			// All four are held for it: the one that got the 410 and the three that came while it was disabled.
			expect((await log(tenant).getSubscription(sub))?.state.backlog).toBe(4);

			// The subscriber is fixed (same sink, now answering 200), then the subscription resumed.
			const fixed = await log(tenant).getSubscription(sub);
			await log(tenant).putSubscription({ ...fixed, state: undefined, url: sinkUrl("ok", sink) });
			await log(tenant).setStatus(sub, "active");
			const got = await waitFor(sink, (r) => r.filter((x) => x.status === 200).length >= 4);
			const sequences = got.filter((r) => r.status === 200).map((r) => JSON.parse(r.body).sequence);
			expect(ordering === "ordered" ? sequences : sequences.sort()).toEqual([1, 2, 3, 4]);
			expect((await log(tenant).getSubscription(sub))?.state.backlog).toBe(0);
		});
	}

	it("waits at least as long as Retry-After asks on a 503", async () => {
		const tenant = freshTenant();
		await seedVoipbin(tenant);
		const sink = sinkName();
		await subscribe(tenant, { url: sinkUrl("retry-after/3", sink), retry_schedule: [1] });
		await postCalls(tenant, 1);
		const got = await waitFor(sink, (r) => r.length >= 2);
		expect(got.map((r) => r.status)).toEqual([503, 200]);
		expect((got[1]?.at ?? 0) - (got[0]?.at ?? 0)).toBeGreaterThanOrEqual(2900);
	});

	it("dead-letters an event when the schedule is exhausted, then moves on to the next", async () => {
		const tenant = freshTenant();
		await seedVoipbin(tenant);
		const sink = sinkName();
		const sub = await subscribe(tenant, { url: sinkUrl("fail/2", sink), retry_schedule: [1] });
		const [first, second] = await postCalls(tenant, 2);
		const got = await waitFor(sink, (r) => r.some((x) => x.status === 200));
		// Event 1 fails twice (the first attempt and one retry) and is dead-lettered; event 2 then succeeds.
		expect(got.map((r) => [JSON.parse(r.body).sequence, r.status])).toEqual([
			[1, 500],
			[1, 500],
			[2, 200],
		]);
		expect((await log(tenant).getEvent(first?.id ?? ""))?.deliveries[0]?.state).toBe("failed");
		expect((await log(tenant).getEvent(second?.id ?? ""))?.deliveries[0]?.state).toBe("delivered");
		expect((await log(tenant).getSubscription(sub))?.status).toBe("active");
	});

	it("pauses the subscription when the schedule is exhausted with on_exhausted: pause, and resumes in order", async () => {
		const tenant = freshTenant();
		await seedVoipbin(tenant);
		const sink = sinkName();
		const sub = await subscribe(tenant, { url: sinkUrl("fail/2", sink), retry_schedule: [1], on_exhausted: "pause" });
		await postCalls(tenant, 2);
		expect((await waitForStatus(tenant, sub, "paused"))?.status).toBe("paused");
		await sleep(1200);
		expect((await waitFor(sink, () => false, 0)).length).toBe(2); // nothing more while paused

		await log(tenant).setStatus(sub, "active");
		const got = await waitFor(sink, (r) => r.filter((x) => x.status === 200).length >= 2);
		expect(got.filter((r) => r.status === 200).map((r) => JSON.parse(r.body).sequence)).toEqual([1, 2]);
	});

	it("counts a redirect as a failure and does not follow it", async () => {
		const tenant = freshTenant();
		await seedVoipbin(tenant);
		const sink = sinkName();
		const sub = await subscribe(tenant, { url: sinkUrl("redirect", sink), retry_schedule: [1] });
		await postCalls(tenant, 1);
		await sleep(2500);
		const got = await waitFor(sink, () => false, 0);
		expect(got.map((r) => r.path)).toEqual([`/redirect/${sink}`, `/redirect/${sink}`]);
		const attempts = await log(tenant).listAttempts(sub, { limit: 10 });
		expect(attempts.data.map((a) => a.error?.split(":")[0])).toEqual(["redirect", "redirect"]);
		expect(attempts.data[0]?.error).toMatch(/^redirect: HTTP 30\d redirect to /);
	});
});
