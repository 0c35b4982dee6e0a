import { describe, expect, it } from "vitest";
import { postCalls, seedVoipbin } from "../support/events";
import { sinkName, sinkUrl, waitFor } from "../support/sink";
import { as, newTenant } from "./client";

type Page = { data: { id: string; sequence: number; type: string; source: string }[]; next_cursor: string | null };

describe("events", () => {
	it("lists events newest first, filtered by type and source, cursor paginated", async () => {
		const { id, key } = await newTenant();
		const api = as(key);
		await seedVoipbin(id, "vb");
		await seedVoipbin(id, "vb2");
		await postCalls(id, 2, { type: "call_created" });
		await postCalls(id, 2, { type: "call_hungup", from: 3 });
		await postCalls(id, 1, { type: "call_hungup", from: 5, source: "vb2" });

		const all = await api<Page>("GET", "/v1/events");
		expect(all.body.data.map((e) => e.sequence)).toEqual([5, 4, 3, 2, 1]);
		const hangups = await api<Page>("GET", "/v1/events?type=call.hangup");
		expect(hangups.body.data.map((e) => e.sequence)).toEqual([5, 4, 3]);
		const fromVb2 = await api<Page>("GET", "/v1/events?source=vb2");
		expect(fromVb2.body.data.map((e) => e.sequence)).toEqual([5]);
		const first = await api<Page>("GET", "/v1/events?limit=2");
		const second = await api<Page>("GET", `/v1/events?limit=2&cursor=${first.body.next_cursor}`);
		expect([...first.body.data, ...second.body.data].map((e) => e.sequence)).toEqual([5, 4, 3, 2]);
	});

	it("shows one event's envelope and delivery state per subscription, and redelivers it", async () => {
		const { id, key } = await newTenant();
		const api = as(key);
		await seedVoipbin(id);
		const sink = sinkName();
		const sub = await api<{ id: string }>("POST", "/v1/subscriptions", { url: sinkUrl("ok", sink) });
		const [accepted] = await postCalls(id, 1);
		await waitFor(sink, (r) => r.length >= 1);
		await new Promise((r) => setTimeout(r, 100));
		const detail = await api<{ envelope: { id: string; sequence: number }; deliveries: unknown[] }>(
			"GET",
			`/v1/events/${accepted?.id}`,
		);
		expect(detail.status).toBe(200);
		expect(detail.body.envelope).toMatchObject({ id: accepted?.id, sequence: 1, type: "call.created" });
		expect(detail.body.deliveries).toEqual([
			expect.objectContaining({ subscription_id: sub.body.id, state: "delivered", attempts: 1, last_status: 200 }),
		]);
		const again = await api("POST", `/v1/events/${accepted?.id}/redeliver`, { subscription_id: sub.body.id });
		expect(again).toMatchObject({ status: 202, body: { subscriptions: [sub.body.id] } });
		expect((await waitFor(sink, (r) => r.length >= 2)).map((r) => r.headers["webhook-id"])).toEqual([
			accepted?.id,
			accepted?.id,
		]);
		await new Promise((r) => setTimeout(r, 100));
		const attempts = await api<{ attempts: { subscription_id: string; attempt: number; status: number }[] }>(
			"GET",
			`/v1/events/${accepted?.id}`,
		);
		expect(attempts.body.attempts).toEqual([
			expect.objectContaining({ subscription_id: sub.body.id, attempt: 1, status: 200 }),
			expect.objectContaining({ subscription_id: sub.body.id, attempt: 2, status: 200 }),
		]);
	});

	it("answers unknown events and bad queries with problem+json", async () => {
		const { key } = await newTenant();
		const api = as(key);
		expect((await api("GET", "/v1/events/evt_nope")).status).toBe(404);
		expect((await api("POST", "/v1/events/evt_nope/redeliver", {})).status).toBe(404);
		expect((await api("GET", "/v1/events?limit=0")).status).toBe(422);
		expect((await api("GET", "/v1/events?limit=1000")).status).toBe(422);
		expect((await api("GET", "/v1/events?cursor=-1")).status).toBe(422);
	});
});
