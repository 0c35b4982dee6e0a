/**
 * The ordering guarantee under failure: 500 events, three subscriptions (two ordered, one
 * unordered), a subscriber that fails 30 % of attempts at random. Every event reaches every
 * subscription; each ordered one sees its first successful deliveries in exact sequence order.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { postCalls, seedVoipbin } from "../support/events";
import { type Received, sinkName, sinkUrl, waitFor } from "../support/sink";
import { freshTenant } from "../support/sources";
import { subscribe } from "../support/subscriptions";

const EVENTS = 500;

/** Sequences of the 2xx deliveries, in the order the subscriber received them. */
const delivered = (r: Received[]) =>
	r.filter((x) => x.status === 200).map((x) => JSON.parse(x.body).sequence as number);

describe("500 events to a subscriber failing 30 % of the time", () => {
	it("delivers everything, ordered subscriptions in exact sequence order with no gaps", {
		timeout: 420_000,
	}, async () => {
		const tenant = freshTenant("soak");
		await seedVoipbin(tenant);
		const [a, b, c] = [sinkName("a"), sinkName("b"), sinkName("c")];
		// Each subscription may retry 20 times: with p = 0.3, exhausting that has probability ~3e-11.
		const schedule = Array.from({ length: 20 }, () => 1);
		await subscribe(tenant, { url: sinkUrl("flaky", a, "?rate=0.3"), retry_schedule: schedule });
		await subscribe(tenant, { url: sinkUrl("flaky", b, "?rate=0.3"), retry_schedule: schedule });
		await subscribe(tenant, { url: sinkUrl("flaky", c, "?rate=0.3"), retry_schedule: schedule, ordering: "unordered" });

		const accepted = await postCalls(tenant, EVENTS);
		expect(accepted.every((x) => !x.duplicate)).toBe(true);
		const expected = Array.from({ length: EVENTS }, (_, i) => i + 1);
		const done = (r: Received[]) => delivered(r).length >= EVENTS;

		for (const ordered of [a, b]) {
			const got = await waitFor(ordered, done, 400_000);
			// Nothing is sent twice once delivered, and nothing overtakes: the 2xx order is the sequence.
			expect(delivered(got)).toEqual(expected);
			// Failures happened and were retried: this really ran against a failing subscriber.
			expect(got.length).toBeGreaterThan(EVENTS);
			// Never sent n+1 before n was delivered: every attempt's sequence is the lowest undelivered one.
			let next = 1;
			for (const attempt of got) {
				expect(JSON.parse(attempt.body).sequence).toBe(next);
				if (attempt.status === 200) next++;
			}
		}
		const unordered = await waitFor(c, done, 400_000);
		expect([...new Set(delivered(unordered))].sort((x, y) => x - y)).toEqual(expected);
		expect((await env.TENANT.getByName(tenant).stats()).head_sequence).toBe(EVENTS);
	});
});
