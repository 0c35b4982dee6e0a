/**
 * Retention against a real SQLite database (a tenant Durable Object's, in the test runtime): the
 * hourly pass drops old events, has the delivery store drop their deliveries and attempts, and
 * keeps numbering where it was.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import * as store from "../../src/fanout/delivery-store";
import type { Host } from "../../src/fanout/host";
import { listAttempts, listEvents, stats } from "../../src/fanout/log-queries";
import { pruneIfDue } from "../../src/fanout/retention";
import { SubscriptionSchema } from "../../src/schema/subscription";
import { freshTenant } from "../support/sources";
import { TEST_SECRET } from "../support/subscriptions";

const DAY = 86_400_000;
const NOW = 1_767_225_600_000;

/** A log with events received `ageDays` ago (oldest first), each delivered once, and one dedupe key each. */
function seed(sql: SqlStorage, ageDays: number[]): string {
	const sub = SubscriptionSchema.parse({ id: "sub_keep", url: "https://subscriber.example/", secrets: [TEST_SECRET] });
	store.upsertSubscription(sql, sub);
	ageDays.forEach((age, i) => {
		const seq = i + 1;
		const at = NOW - age * DAY;
		sql.exec(
			"INSERT INTO events (seq, id, source, type, received_at, envelope) VALUES (?, ?, 'vb', 'call.created', ?, '{}')",
			seq,
			`evt_${seq}`,
			at,
		);
		sql.exec(
			"INSERT INTO dedupe (source, key, event_id, expires_at) VALUES ('vb', ?, ?, ?)",
			`k${seq}`,
			`evt_${seq}`,
			at + 7 * DAY,
		);
		store.fanOut(sql, seq, [{ subId: sub.id, key: null }], at);
		const attempt = {
			subId: sub.id,
			seq,
			eventId: `evt_${seq}`,
			at,
			status: 200,
			error: null,
			latencyMs: 5,
			nextAt: null,
		};
		store.recordAttempt(sql, attempt, { state: "delivered", roundAttempts: 1 });
	});
	return sub.id;
}

function host(state: DurableObjectState, retentionDays: string): Host {
	return {
		sql: state.storage.sql,
		transaction: (fn) => state.storage.transactionSync(fn),
		env: { ...env, RETENTION_DAYS: retentionDays } as Env,
		id: state.id.toString(),
		tenant: state.id.name,
		wake: async () => {},
	};
}

/** Seeds a fresh tenant's log, prunes at NOW, and reports what is left. */
function pruneAt(ageDays: number[], retentionDays: string, twice = false) {
	return runInDurableObject(env.TENANT.getByName(freshTenant("ret")), (_instance, state) => {
		const sql = state.storage.sql;
		const subId = seed(sql, ageDays);
		pruneIfDue(host(state, retentionDays), NOW);
		// Within the hour, a second pass is not due: an event that aged out meanwhile stays.
		if (twice) pruneIfDue(host(state, "7"), NOW + 60_000);
		return {
			events: listEvents(sql, { limit: 100 }).data.map((e) => e.sequence),
			deliveries: ageDays.map((_, i) => store.getDelivery(sql, subId, i + 1)?.seq ?? null),
			attempts: listAttempts(sql, subId, { limit: 100 }).data.map((a) => a.sequence),
			dedupe: sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM dedupe").one().n,
			head: stats(sql).head_sequence,
		};
	});
}

describe("retention", () => {
	it("drops events past the retention with their deliveries and attempts, and expired dedupe keys", async () => {
		const left = await pruneAt([40, 31, 20, 1], "30");
		expect(left.events).toEqual([4, 3]);
		expect(left.deliveries).toEqual([null, null, 3, 4]);
		expect(left.attempts).toEqual([4, 3]);
		// Keys live 7 days from receipt: only the 1-day-old event's is unexpired.
		expect(left.dedupe).toBe(1);
	});

	it("keeps numbering where it was when every event is gone", async () => {
		const left = await pruneAt([40, 35], "30");
		expect(left.events).toEqual([]);
		expect(left.head).toBe(2);
	});

	it("keeps at least 7 days whatever RETENTION_DAYS says", async () => {
		expect((await pruneAt([10, 6, 2], "1")).events).toEqual([3, 2]);
	});

	it("prunes at most once an hour", async () => {
		expect((await pruneAt([40, 8], "30", true)).events).toEqual([2]);
	});
});
