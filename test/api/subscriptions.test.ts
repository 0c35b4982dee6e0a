import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { postCalls, seedVoipbin } from "../support/events";
import { sinkName, sinkUrl, waitFor } from "../support/sink";
import { as, newTenant } from "./client";

type Sub = { id: string; secret?: string; status: string; url: string; state?: Record<string, unknown> };

async function setup() {
	const tenant = await newTenant();
	await seedVoipbin(tenant.id);
	return { ...tenant, api: as(tenant.key) };
}

describe("subscriptions", () => {
	it("creates a subscription that receives the very next event, verifiable with its secret", async () => {
		const { id, api } = await setup();
		const sink = sinkName();
		const created = await api<Sub>("POST", "/v1/subscriptions", { url: sinkUrl("ok", sink), event_types: ["call.*"] });
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({
			id: expect.stringMatching(/^sub_/),
			status: "active",
			ordering: "ordered",
			on_exhausted: "dead_letter",
			secret: expect.stringMatching(/^whsec_/),
		});
		await postCalls(id, 1);
		const [got] = await waitFor(sink, (r) => r.length >= 1);
		expect(new Webhook(created.body.secret ?? "").verify(got?.body ?? "", got?.headers ?? {})).toMatchObject({
			type: "call.created",
		});
	});

	it("shows state but never the secret on GET and list", async () => {
		const { api } = await setup();
		const created = await api<Sub>("POST", "/v1/subscriptions", { url: sinkUrl("ok", sinkName()) });
		const got = await api<Sub>("GET", `/v1/subscriptions/${created.body.id}`);
		expect(got.body.state).toMatchObject({ backlog: 0, head_sequence: 0 });
		const list = await api<{ data: Sub[] }>("GET", "/v1/subscriptions");
		expect(list.body.data.map((s) => s.id)).toEqual([created.body.id]);
		for (const r of [got, list]) {
			expect(r.text).not.toContain(created.body.secret);
			expect(r.text).not.toContain("secrets");
		}
	});

	it("patches filters and URL; the next delivery follows the change", async () => {
		const { id, api } = await setup();
		const [before, after] = [sinkName(), sinkName()];
		const sub = await api<Sub>("POST", "/v1/subscriptions", { url: sinkUrl("ok", before) });
		const patched = await api<Sub>("PATCH", `/v1/subscriptions/${sub.body.id}`, {
			url: sinkUrl("ok", after),
			event_types: ["call.hangup"],
		});
		expect(patched.status).toBe(200);
		await postCalls(id, 1, { type: "call_created" });
		await postCalls(id, 1, { type: "call_hungup", from: 2 });
		const got = await waitFor(after, (r) => r.length >= 1);
		expect(got.map((r) => JSON.parse(r.body).type)).toEqual(["call.hangup"]);
		expect(await waitFor(before, () => false, 0)).toEqual([]);
	});

	it("sets and removes a source filter", async () => {
		const { api } = await setup();
		const sub = await api<Sub>("POST", "/v1/subscriptions", { url: sinkUrl("ok", sinkName()), sources: ["vb"] });
		const path = `/v1/subscriptions/${sub.body.id}`;
		expect((await api("PATCH", path, { sources: ["vb", "vb2"] })).body).toMatchObject({ sources: ["vb", "vb2"] });
		expect((await api("PATCH", path, { description: "kept" })).body).toMatchObject({ sources: ["vb", "vb2"] });
		const cleared = await api<Sub & { sources?: string[] }>("PATCH", path, { sources: null });
		expect(cleared.status).toBe(200);
		expect(cleared.body.sources).toBeUndefined();
		expect((await api<Sub & { sources?: string[] }>("GET", path)).body.sources).toBeUndefined();
	});

	it("pauses and resumes, delivering what accumulated in order", async () => {
		const { id, api } = await setup();
		const sink = sinkName();
		const sub = await api<Sub>("POST", "/v1/subscriptions", { url: sinkUrl("ok", sink) });
		expect((await api<Sub>("POST", `/v1/subscriptions/${sub.body.id}/pause`)).body.status).toBe("paused");
		await postCalls(id, 3);
		await new Promise((r) => setTimeout(r, 500));
		expect(await waitFor(sink, () => false, 0)).toEqual([]);
		expect((await api<Sub>("GET", `/v1/subscriptions/${sub.body.id}`)).body.state).toMatchObject({ backlog: 3 });
		expect((await api<Sub>("POST", `/v1/subscriptions/${sub.body.id}/resume`)).body.status).toBe("active");
		const got = await waitFor(sink, (r) => r.length >= 3);
		expect(got.map((r) => JSON.parse(r.body).sequence)).toEqual([1, 2, 3]);
	});

	it("rotates the secret: both old and new verify for the overlap", async () => {
		const { id, api } = await setup();
		const sink = sinkName();
		const sub = await api<Sub>("POST", "/v1/subscriptions", { url: sinkUrl("ok", sink) });
		const rotated = await api<{ secret: string }>("POST", `/v1/subscriptions/${sub.body.id}/rotate-secret`);
		expect(rotated.body.secret).not.toBe(sub.body.secret);
		await postCalls(id, 1);
		const [got] = await waitFor(sink, (r) => r.length >= 1);
		for (const secret of [rotated.body.secret, sub.body.secret ?? ""]) {
			expect(() => new Webhook(secret).verify(got?.body ?? "", got?.headers ?? {})).not.toThrow();
		}
	});

	it("changes only what a PATCH names: a new URL keeps the ordering, filters and exhaustion policy", async () => {
		const { api } = await setup();
		const created = await api<Sub>("POST", "/v1/subscriptions", {
			url: sinkUrl("ok", sinkName()),
			ordering: "unordered",
			on_exhausted: "pause",
			event_types: ["call.*"],
		});
		const patched = await api<Sub>("PATCH", `/v1/subscriptions/${created.body.id}`, { url: sinkUrl("ok", sinkName()) });
		expect(patched.status).toBe(200);
		expect(patched.body).toMatchObject({ ordering: "unordered", on_exhausted: "pause", event_types: ["call.*"] });
		const read = await api<Sub>("GET", `/v1/subscriptions/${created.body.id}`);
		expect(read.body).toMatchObject({ ordering: "unordered", on_exhausted: "pause", event_types: ["call.*"] });
	});

	it("a second rotation a few seconds later keeps all three secrets signing (A->B, then B->C)", async () => {
		const { id, api } = await setup();
		const sink = sinkName();
		const a = await api<Sub>("POST", "/v1/subscriptions", { url: sinkUrl("ok", sink) });
		const b = await api<{ secret: string }>("POST", `/v1/subscriptions/${a.body.id}/rotate-secret`);
		const c = await api<{ secret: string }>("POST", `/v1/subscriptions/${a.body.id}/rotate-secret`);
		expect(c.status).toBe(200);
		await postCalls(id, 1);
		const [got] = await waitFor(sink, (r) => r.length >= 1);
		for (const secret of [c.body.secret, b.body.secret, a.body.secret ?? ""]) {
			expect(() => new Webhook(secret).verify(got?.body ?? "", got?.headers ?? {})).not.toThrow();
		}
	});

	it("refuses a rotation past five signing secrets with 409 rotation_limit and when to retry", async () => {
		const { api } = await setup();
		const sub = await api<Sub>("POST", "/v1/subscriptions", { url: sinkUrl("ok", sinkName()) });
		for (let i = 0; i < 4; i++) {
			expect((await api("POST", `/v1/subscriptions/${sub.body.id}/rotate-secret`)).status).toBe(200);
		}
		const refused = await api<{ code: string; retry_at: string }>(
			"POST",
			`/v1/subscriptions/${sub.body.id}/rotate-secret`,
		);
		expect(refused.status).toBe(409);
		expect(refused.body.code).toBe("rotation_limit");
		expect(Date.parse(refused.body.retry_at)).toBeGreaterThan(Date.now() + 23 * 3600_000);
	});

	it("replays from a sequence and lists attempts newest first", async () => {
		const { id, api } = await setup();
		const sink = sinkName();
		const sub = await api<Sub>("POST", "/v1/subscriptions", { url: sinkUrl("ok", sink) });
		await postCalls(id, 3);
		await waitFor(sink, (r) => r.length >= 3);
		const replay = await api("POST", `/v1/subscriptions/${sub.body.id}/replay`, { since_sequence: 2 });
		expect(replay).toMatchObject({ status: 202, body: { replayed: 2 } });
		const got = await waitFor(sink, (r) => r.length >= 5);
		expect(got.map((r) => JSON.parse(r.body).sequence)).toEqual([1, 2, 3, 2, 3]);
		const attempts = await api<{ data: { sequence: number; status: number }[]; next_cursor: string | null }>(
			"GET",
			`/v1/subscriptions/${sub.body.id}/attempts?limit=2`,
		);
		expect(attempts.body.data.map((a) => [a.sequence, a.status])).toEqual([
			[3, 200],
			[2, 200],
		]);
		const more = await api<{ data: unknown[] }>(
			"GET",
			`/v1/subscriptions/${sub.body.id}/attempts?cursor=${attempts.body.next_cursor}`,
		);
		expect(more.body.data).toHaveLength(3);
	});

	it("replays from a time", async () => {
		const { id, api } = await setup();
		const sink = sinkName();
		const sub = await api<Sub>("POST", "/v1/subscriptions", { url: sinkUrl("ok", sink) });
		await postCalls(id, 2);
		await waitFor(sink, (r) => r.length >= 2);
		const since = new Date(Date.now() - 60_000).toISOString();
		expect((await api("POST", `/v1/subscriptions/${sub.body.id}/replay`, { since })).body).toEqual({ replayed: 2 });
	});

	it("deletes a subscription: no more deliveries, 404 afterwards", async () => {
		const { id, api } = await setup();
		const sink = sinkName();
		const sub = await api<Sub>("POST", "/v1/subscriptions", { url: sinkUrl("ok", sink) });
		expect((await api("DELETE", `/v1/subscriptions/${sub.body.id}`)).status).toBe(204);
		expect((await api("GET", `/v1/subscriptions/${sub.body.id}`)).status).toBe(404);
		await postCalls(id, 1);
		await new Promise((r) => setTimeout(r, 300));
		expect(await waitFor(sink, () => false, 0)).toEqual([]);
	});

	it("rejects bad input with 422 and changes nothing", async () => {
		const { api } = await setup();
		for (const bad of [
			{},
			{ url: "ftp://example.com/x" },
			{ url: "http://127.0.0.1/x", event_types: ["NOT VALID"] },
			{ url: "http://127.0.0.1/x", retry_schedule: [] },
			{ url: "http://127.0.0.1/x", retry_schedule: [0] },
			{ url: "http://127.0.0.1/x", retry_schedule: Array(21).fill(1) },
			{ url: "http://127.0.0.1/x", ordering: "sideways" },
			{ url: "http://127.0.0.1/x", secrets: ["whsec_AAAA"] },
			{ url: "http://127.0.0.1/x", status: "active" },
			{ url: "http://127.0.0.1/x", batch: { max_events: 0, max_wait_ms: 0 } },
			{ url: "http://127.0.0.1/x", batch: { max_events: 101, max_wait_ms: 0 } },
			{ url: "http://127.0.0.1/x", batch: { max_events: 10, max_wait_ms: 10_001 } },
			{ url: "http://127.0.0.1/x", ordering: "per_key", batch: { max_events: 10, max_wait_ms: 0 } },
			{ url: "http://127.0.0.1/x", ordering: "unordered", batch: { max_events: 10, max_wait_ms: 0 } },
			{ type: "polling", batch: { max_events: 10, max_wait_ms: 0 } },
			{ url: "http://127.0.0.1/x", rate_limit_per_second: 0 },
			{ url: "http://127.0.0.1/x", rate_limit_per_second: 1001 },
			{ url: "http://127.0.0.1/x", rate_limit_per_second: 2.5 },
			{ type: "polling", rate_limit_per_second: 5 },
		]) {
			const res = await api("POST", "/v1/subscriptions", bad);
			expect(res.status, JSON.stringify(bad)).toBe(422);
			expect(res.headers.get("content-type")).toBe("application/problem+json");
		}
		const sub = await api<Sub>("POST", "/v1/subscriptions", { url: "http://127.0.0.1:9/x" });
		expect((await api("POST", `/v1/subscriptions/${sub.body.id}/replay`, {})).status).toBe(422);
		expect(
			(
				await api("POST", `/v1/subscriptions/${sub.body.id}/replay`, {
					since_sequence: 1,
					since: new Date().toISOString(),
				})
			).status,
		).toBe(422);
		expect((await api("PATCH", `/v1/subscriptions/${sub.body.id}`, { url: "nope" })).status).toBe(422);
		const batched = await api<Sub>("POST", "/v1/subscriptions", {
			url: "http://127.0.0.1:9/y",
			batch: { max_events: 10, max_wait_ms: 0 },
		});
		expect(batched.status).toBe(201);
		// Leaving `ordered` while keeping a batch would leave a field that means nothing.
		expect((await api("PATCH", `/v1/subscriptions/${batched.body.id}`, { ordering: "unordered" })).status).toBe(422);
		await api("DELETE", `/v1/subscriptions/${batched.body.id}`);
		expect((await api("GET", `/v1/subscriptions/${sub.body.id}/attempts?cursor=abc`)).status).toBe(422);
		expect((await api<{ data: unknown[] }>("GET", "/v1/subscriptions")).body.data).toHaveLength(1);
	});
});
