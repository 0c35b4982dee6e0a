/**
 * GET /v1/stats: what the console's counts and charts show. Accepted events per source, delivery
 * states, attempt success and latency per subscription over 1 h and 24 h, and an hourly series.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { deliveryStats } from "../../src/fanout/stats";
import type { DeliveryStats } from "../../src/schema/delivery-stats";
import { postCalls, seedVoipbin } from "../support/events";
import { sinkName, sinkUrl, waitFor } from "../support/sink";
import { as, call, newTenant } from "./client";

/** What GET /v1/stats answers: the Durable Object's figures with the tenant named. */
type Stats = DeliveryStats & { tenant: string };

const HOUR = 3_600_000;

describe("GET /v1/stats", () => {
	it("counts accepted events per source and each subscription's deliveries, attempts and latency", async () => {
		const { id, key } = await newTenant("stats");
		const api = as(key);
		await seedVoipbin(id, "vb");
		await seedVoipbin(id, "vb2");
		const okSink = sinkName();
		const badSink = sinkName();
		const ok = await api<{ id: string }>("POST", "/v1/subscriptions", { url: sinkUrl("ok", okSink) });
		const bad = await api<{ id: string }>("POST", "/v1/subscriptions", {
			url: sinkUrl("status/500", badSink),
			retry_schedule: [3600],
		});
		await postCalls(id, 2);
		await postCalls(id, 1, { source: "vb2", from: 3 });
		await waitFor(okSink, (r) => r.length >= 3);
		await waitFor(badSink, (r) => r.length >= 1);
		await new Promise((r) => setTimeout(r, 100)); // the attempts are recorded after the answers

		const res = await api<Stats>("GET", "/v1/stats");
		expect(res.status).toBe(200);
		const stats = res.body;
		expect(stats).toMatchObject({ tenant: id, head_sequence: 3 });
		expect(stats.sources).toEqual([
			{ source: "vb", events: { "1h": 2, "24h": 2 } },
			{ source: "vb2", events: { "1h": 1, "24h": 1 } },
		]);
		expect(stats.windows["24h"]).toMatchObject({ accepted: 3, delivered: 3, failed: 0, pending: 3, attempts: 4 });
		expect(stats.windows["24h"].succeeded).toBe(3);

		const byId = new Map(stats.subscriptions.map((s) => [s.subscription_id, s]));
		const good = byId.get(ok.body.id);
		expect(good?.windows["1h"]).toMatchObject({ accepted: 3, delivered: 3, pending: 0, attempts: 3, succeeded: 3 });
		expect(good?.windows["1h"].latency_ms.p50).toEqual(expect.any(Number));
		expect(good?.hourly).toHaveLength(24);
		expect(good?.hourly.at(-1)).toMatchObject({ succeeded: 3, failed: 0 });
		// Ordered: the first event fails and waits an hour to retry; the two behind it wait for it.
		const failing = byId.get(bad.body.id);
		expect(failing?.windows["24h"]).toMatchObject({ accepted: 3, delivered: 0, pending: 3, attempts: 1, succeeded: 0 });
		expect(failing?.hourly.at(-1)).toMatchObject({ succeeded: 0, failed: 1 });
	});

	it("windows by time: nearest-rank latency percentiles, events and deliveries of the last hour and day", async () => {
		const { id, key } = await newTenant("stats");
		const sub = await as(key)<{ id: string }>("POST", "/v1/subscriptions", { url: sinkUrl("ok", sinkName()) });
		const now = Date.now();
		const stats = await runInDurableObject(env.TENANT.getByName(id), (_instance, state) => {
			const sql = state.storage.sql;
			// In arrival order, as the log stores them: sequences and attempt ids follow time.
			const events: [number, string, string][] = [
				[now - 25 * HOUR, "old", "delivered"],
				[now - 25 * HOUR, "old", "delivered"],
				[now - 2 * HOUR, "vb", "failed"],
				[now - 2 * HOUR, "vb", "delivered"],
				[now - 10 * 60_000, "vb", "pending"],
			];
			events.forEach(([at, source, delivery], i) => {
				sql.exec(
					"INSERT INTO events (seq, id, source, type, received_at, envelope) VALUES (?, ?, ?, 'call.created', ?, '{}')",
					i + 1,
					`evt_${i}`,
					source,
					at,
				);
				sql.exec(
					"INSERT INTO deliveries (sub_id, seq, state, next_at, updated_at) VALUES (?, ?, ?, 0, 0)",
					sub.body.id,
					i + 1,
					delivery,
				);
			});
			const attempt = (at: number, latency: number, error: string | null) =>
				sql.exec(
					"INSERT INTO attempts (sub_id, seq, event_id, attempt, at, status, error, latency_ms) VALUES (?, 1, 'evt_x', 1, ?, ?, ?, ?)",
					sub.body.id,
					at,
					error ? 500 : 200,
					error,
					latency,
				);
			for (let i = 0; i < 50; i++) attempt(now - 25 * HOUR, 5, null);
			for (let i = 0; i < 10; i++) attempt(now - 2 * HOUR - 1, 1000, "http_status");
			for (let ms = 1; ms <= 100; ms++) attempt(now - HOUR / 2, ms, null);
			return deliveryStats(sql, now);
		});
		expect(stats.sources).toEqual([{ source: "vb", events: { "1h": 1, "24h": 3 } }]);
		expect(stats.windows["24h"]).toMatchObject({ accepted: 3, delivered: 1, failed: 1, pending: 1 });
		expect(stats.windows["1h"]).toMatchObject({ accepted: 1, delivered: 0, failed: 0, pending: 1 });
		const [one] = stats.subscriptions;
		expect(one?.windows["1h"]).toMatchObject({ accepted: 1, attempts: 100, succeeded: 100 });
		expect(one?.windows["1h"].latency_ms).toEqual({ p50: 50, p99: 99 });
		// 110 attempts in the day: the 55th and the 109th smallest.
		expect(one?.windows["24h"]).toMatchObject({ accepted: 3, attempts: 110, succeeded: 100 });
		expect(one?.windows["24h"].latency_ms).toEqual({ p50: 55, p99: 1000 });
		expect(stats.windows["24h"].latency_ms).toEqual({ p50: 55, p99: 1000 });
		expect(one?.hourly.map((b) => b.succeeded + b.failed)).toEqual([...Array(21).fill(0), 10, 0, 100]);
		expect(one?.hourly[21]).toMatchObject({ failed: 10, start: new Date(now - 3 * HOUR).toISOString() });
	});

	it("is all zeros for a new tenant, and lists its subscriptions", async () => {
		const { key } = await newTenant("stats");
		const api = as(key);
		const empty = await api<Stats>("GET", "/v1/stats");
		expect(empty.body).toMatchObject({ head_sequence: 0, sources: [], subscriptions: [] });
		expect(empty.body.windows["1h"]).toEqual({
			accepted: 0,
			delivered: 0,
			failed: 0,
			pending: 0,
			attempts: 0,
			succeeded: 0,
			latency_ms: { p50: null, p99: null },
		});
		const sub = await api<{ id: string }>("POST", "/v1/subscriptions", { url: sinkUrl("ok", sinkName()) });
		const after = await api<Stats>("GET", "/v1/stats");
		expect(after.body.subscriptions.map((s) => s.subscription_id)).toEqual([sub.body.id]);
	});

	it("needs a tenant key, and shows only that tenant", async () => {
		for (const token of [null, "hf_wrong", "test-admin-token"]) {
			const res = await call(token, "GET", "/v1/stats");
			expect(res.status).toBe(401);
			expect(res.headers.get("content-type")).toContain("application/problem+json");
			expect(res.text).not.toContain("windows");
		}
		const a = await newTenant("stats");
		await as(a.key)("POST", "/v1/subscriptions", { url: sinkUrl("ok", sinkName()) });
		const b = await newTenant("stats");
		const res = await as(b.key)<Stats>("GET", "/v1/stats");
		expect(res.body).toMatchObject({ tenant: b.id, subscriptions: [] });
	});
});
