/**
 * Polling subscriptions over the API: created without a URL, read with
 * `GET /v1/subscriptions/{id}/poll` in sequence order with a durable, resumable cursor, filtered at
 * read time, and long-polled.
 */
import { describe, expect, it } from "vitest";
import { postCalls, seedVoipbin } from "../support/events";
import { as, newTenant } from "./client";

type Sub = { id: string; type: string; url?: string; secret?: string; state?: Record<string, unknown> };
type Page = { data: { id: string; type: string; source: string; sequence: number }[]; next_cursor: string };

async function setup() {
	const tenant = await newTenant("poll");
	await seedVoipbin(tenant.id);
	const api = as(tenant.key);
	return { ...tenant, api };
}

async function pollingSub(api: ReturnType<typeof as>, extra: Record<string, unknown> = {}): Promise<string> {
	const res = await api<Sub>("POST", "/v1/subscriptions", { type: "polling", event_types: ["*"], ...extra });
	expect(res.status, res.text).toBe(201);
	return res.body.id;
}

const poll = (api: ReturnType<typeof as>, id: string, query = "") =>
	api<Page>("GET", `/v1/subscriptions/${id}/poll${query ? `?${query}` : ""}`);

describe("polling subscriptions", () => {
	it("are created without a URL or secret and show as polling, with a backlog", async () => {
		const { id, api } = await setup();
		const created = await api<Sub>("POST", "/v1/subscriptions", {
			type: "polling",
			event_types: ["call.*"],
			description: "batch pull",
		});
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({ id: expect.stringMatching(/^sub_/), type: "polling", status: "active" });
		expect(created.body.url).toBeUndefined();
		expect(created.body.secret).toBeUndefined();

		await postCalls(id, 2);
		const got = await api<Sub>("GET", `/v1/subscriptions/${created.body.id}`);
		expect(got.body.state).toMatchObject({ head_sequence: 2, backlog: 2, cursor: 0 });
		const list = await api<{ data: Sub[] }>("GET", "/v1/subscriptions");
		expect(list.body.data).toEqual([expect.objectContaining({ id: created.body.id, type: "polling" })]);
	});

	it("returns the events after its creation in sequence order, then continues from next_cursor", async () => {
		const { id, api } = await setup();
		await postCalls(id, 1, { from: 100 }); // before the subscription: not seen
		const sub = await pollingSub(api);
		const posted = await postCalls(id, 3);

		const first = await poll(api, sub);
		expect(first.status).toBe(200);
		expect(first.body.data.map((e) => e.id)).toEqual(posted.map((p) => p.id));
		expect(first.body.data.map((e) => e.sequence)).toEqual([2, 3, 4]);
		expect(first.body.data[0]).toMatchObject({ type: "call.created", source: "vb", tenant: id });

		const next = await poll(api, sub, `cursor=${first.body.next_cursor}`);
		expect(next.body).toEqual({ data: [], next_cursor: first.body.next_cursor });
		const [later] = await postCalls(id, 1, { from: 4 });
		expect((await poll(api, sub, `cursor=${first.body.next_cursor}`)).body.data.map((e) => e.id)).toEqual([later?.id]);
	});

	it("resumes from any kept cursor, and from its stored position when given none", async () => {
		const { id, api } = await setup();
		const sub = await pollingSub(api);
		const posted = await postCalls(id, 4);
		const page1 = await poll(api, sub, "limit=2");
		expect(page1.body.data.map((e) => e.id)).toEqual(posted.slice(0, 2).map((p) => p.id));
		const kept = page1.body.next_cursor;

		// Not acknowledged yet: a poll without a cursor starts at the stored position again (at least once).
		expect((await poll(api, sub, "limit=2")).body.data.map((e) => e.id)).toEqual(posted.slice(0, 2).map((p) => p.id));
		// Passing the kept cursor acknowledges the first page, later events included.
		const more = await postCalls(id, 1, { from: 5 });
		const page2 = await poll(api, sub, `cursor=${kept}`);
		expect(page2.body.data.map((e) => e.id)).toEqual([...posted.slice(2), ...more].map((p) => p.id));
		expect((await poll(api, sub)).body.data.map((e) => e.id)).toEqual([...posted.slice(2), ...more].map((p) => p.id));
		const state = await api<Sub>("GET", `/v1/subscriptions/${sub}`);
		expect(state.body.state).toMatchObject({ cursor: 2, backlog: 3, head_sequence: 5 });
	});

	it("filters by event type and source at read time, and pages with limit", async () => {
		const { id, api } = await setup();
		await seedVoipbin(id, "vb2");
		const sub = await pollingSub(api, { event_types: ["call.hangup"], sources: ["vb"] });
		await postCalls(id, 2, { type: "call_created" });
		const hangups = await postCalls(id, 3, { type: "call_hungup", from: 10 });
		await postCalls(id, 2, { type: "call_hungup", source: "vb2", from: 20 });

		const seen: string[] = [];
		let cursor = "";
		for (let i = 0; i < 5; i++) {
			const page = await poll(api, sub, `limit=1${cursor ? `&cursor=${cursor}` : ""}`);
			expect(page.body.data.length).toBeLessThanOrEqual(1);
			seen.push(...page.body.data.map((e) => e.id));
			cursor = page.body.next_cursor;
		}
		expect(seen).toEqual(hangups.map((h) => h.id));
	});

	it("long-polls: an empty poll answers when a matching event is appended during the wait", async () => {
		const { id, api } = await setup();
		const sub = await pollingSub(api, { event_types: ["call.hangup"] });
		const started = Date.now();
		const waiting = poll(api, sub, "wait=25");
		// Something that does not match wakes the poll, which reads and goes on waiting.
		await new Promise((r) => setTimeout(r, 300));
		await postCalls(id, 1, { type: "call_created" });
		const [hangup] = await postCalls(id, 1, { type: "call_hungup", from: 2 });
		const res = await waiting;
		expect(res.status).toBe(200);
		expect(res.body.data.map((e) => e.id)).toEqual([hangup?.id]);
		expect(Date.now() - started).toBeLessThan(20_000);
	});

	it("answers an empty long poll at the end of the wait, at the same position", async () => {
		const { api } = await setup();
		const sub = await pollingSub(api);
		const res = await poll(api, sub, "wait=1");
		expect(res.body).toEqual({ data: [], next_cursor: "c0" });
	});

	it("refuses a cursor it did not give out with 422 invalid_cursor, and bad limit or wait with 422", async () => {
		const { api } = await setup();
		const sub = await pollingSub(api);
		for (const cursor of ["nope", "c-1", "c01", "c5"]) {
			const res = await poll(api, sub, `cursor=${cursor}`);
			expect(res.status, cursor).toBe(422);
			expect(res.body).toMatchObject({ code: "invalid_cursor" });
		}
		for (const query of ["limit=0", "limit=101", "wait=31", "wait=-1"]) {
			expect((await poll(api, sub, query)).status, query).toBe(422);
		}
	});

	it("validates the type: no url for polling, url required for webhook", async () => {
		const { api } = await setup();
		const cases = [
			{ type: "polling", url: "http://127.0.0.1:9/x" },
			{ type: "polling", retry_schedule: [1] },
			{ type: "polling", ordering: "unordered" },
			{ type: "webhook" },
			{ event_types: ["*"] },
			{ type: "smtp", url: "http://127.0.0.1:9/x" },
		];
		for (const body of cases) {
			const res = await api("POST", "/v1/subscriptions", body);
			expect(res.status, JSON.stringify(body)).toBe(422);
			expect(res.headers.get("content-type")).toContain("application/problem+json");
		}
		expect((await api<{ data: unknown[] }>("GET", "/v1/subscriptions")).body.data).toEqual([]);

		const sub = await pollingSub(api);
		const patched = await api("PATCH", `/v1/subscriptions/${sub}`, { url: "http://127.0.0.1:9/x" });
		expect(patched.status).toBe(422);
		expect((await api<Sub>("GET", `/v1/subscriptions/${sub}`)).body.url).toBeUndefined();
		const filters = await api<Sub>("PATCH", `/v1/subscriptions/${sub}`, { event_types: ["call.*"] });
		expect(filters.status).toBe(200);
	});

	it("answers 409 to a poll of a webhook subscription and to webhook-only actions on a polling one", async () => {
		const { api } = await setup();
		const webhook = await api<Sub>("POST", "/v1/subscriptions", { url: "http://127.0.0.1:9/hooks" });
		const res = await poll(api, webhook.body.id);
		expect(res.status).toBe(409);
		expect(res.body).toMatchObject({ code: "wrong_subscription_type" });

		const sub = await pollingSub(api);
		for (const [method, path, body] of [
			["POST", "pause", undefined],
			["POST", "rotate-secret", undefined],
			["POST", "replay", { since_sequence: 1 }],
			["GET", "attempts", undefined],
		] as const) {
			const r = await api(method, `/v1/subscriptions/${sub}/${path}`, body);
			expect(r.status, path).toBe(409);
			expect(r.body).toMatchObject({ code: "wrong_subscription_type" });
		}
	});

	it("is not found from another tenant, nor after it is deleted, even by a poll waiting on it", async () => {
		const { api } = await setup();
		const other = await setup();
		const sub = await pollingSub(api);
		expect((await poll(other.api, sub)).status).toBe(404);

		const waiting = poll(api, sub, "wait=25");
		await new Promise((r) => setTimeout(r, 300));
		expect((await api("DELETE", `/v1/subscriptions/${sub}`)).status).toBe(204);
		expect((await waiting).status).toBe(404);
		expect((await poll(api, sub)).status).toBe(404);
	});

	it("gets no delivery rows: the event's detail lists only webhook subscriptions", async () => {
		const { id, api } = await setup();
		const sub = await pollingSub(api);
		const [event] = await postCalls(id, 1);
		const detail = await api<{ deliveries: unknown[] }>("GET", `/v1/events/${event?.id}`);
		expect(detail.body.deliveries).toEqual([]);
		expect((await poll(api, sub)).body.data).toHaveLength(1);
	});
});
