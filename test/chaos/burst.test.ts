/**
 * A burst at one tenant: 2,000 signed events started within 10 s (one every 5 ms, without waiting for
 * answers) against `wrangler dev`. Every one is answered 200, the log holds exactly those 2,000, and
 * the tenant's ordered subscription receives all of them in sequence order.
 */
import { describe, expect, it } from "vitest";
import { startDev, stateDir } from "../e2e/dev-server";
import { ADMIN, type Answer, chaosRig, delivered, percentile, post, signedCall, until, voipbinTenant } from "./support";

const PORT = 18793;
const EVENTS = 2_000;
const WINDOW_MS = 10_000;

const rig = chaosRig();

type Page = { data: { id: string; sequence: number }[]; next_cursor: string | null };

describe("a burst of 2,000 events in 10 s at one tenant", () => {
	it("accepts every one with a 200 and loses none", { timeout: 300_000 }, async () => {
		rig.server = await startDev(PORT, stateDir(), { ADMIN_TOKEN: ADMIN });
		const tenant = await voipbinTenant(rig.server.url, "burst");
		await tenant.api("POST", "/v1/subscriptions", { url: rig.subscriber.url("ok", "burst") });
		// Signed beforehand, so the sender spends the window sending.
		const requests = Array.from({ length: EVENTS }, (_, i) => signedCall(tenant.secret, `b${i}`));

		const started = Date.now();
		const answers: Promise<{ answer: Answer; ms: number }>[] = [];
		for (const [i, req] of requests.entries()) {
			const due = started + (i * WINDOW_MS) / EVENTS;
			if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
			const sent = Date.now();
			answers.push(post(tenant.ingestUrl, req, 60_000).then((answer) => ({ answer, ms: Date.now() - sent })));
		}
		const sentWithin = Date.now() - started;
		const done = await Promise.all(answers);
		const answeredWithin = Date.now() - started;
		const latencies = done.map((d) => d.ms);
		console.log(
			`sent ${EVENTS} in ${sentWithin} ms, all answered after ${answeredWithin} ms; ` +
				`answer p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${Math.max(...latencies)} ms`,
		);
		expect(sentWithin).toBeLessThanOrEqual(WINDOW_MS + 500);
		const failed = done.filter((d) => !("status" in d.answer) || d.answer.status !== 200);
		expect(failed.slice(0, 5), `${failed.length} not accepted`).toEqual([]);
		const ids = new Set(done.map((d) => ("id" in d.answer ? d.answer.id : "")));
		expect(ids.size).toBe(EVENTS);
		expect(done.every((d) => "duplicate" in d.answer && d.answer.duplicate === false)).toBe(true);

		// The log holds exactly the accepted events, numbered 1..2000.
		const logged: Page["data"] = [];
		for (let cursor: string | null = ""; cursor !== null; ) {
			const page: Page = await tenant.api<Page>("GET", `/v1/events?limit=200${cursor ? `&cursor=${cursor}` : ""}`);
			logged.push(...page.data);
			cursor = page.next_cursor;
		}
		expect(new Set(logged.map((e) => e.id))).toEqual(ids);
		expect(logged.map((e) => e.sequence).sort((a, b) => a - b)).toEqual(
			Array.from({ length: EVENTS }, (_, i) => i + 1),
		);

		// And the subscriber gets every one, in order.
		const got = await until(
			() => rig.subscriber.received("burst"),
			(r) => delivered(r).length >= EVENTS,
			180_000,
		);
		const drained = Date.now() - started;
		const ok = delivered(got);
		expect(ok.map((d) => d.sequence)).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
		console.log(`all ${EVENTS} delivered in order ${drained} ms after the burst began`);
	});
});
