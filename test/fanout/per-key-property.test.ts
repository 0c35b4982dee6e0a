/**
 * Per-key bookkeeping as a property, against a real SQLite database (a tenant Durable Object's): for
 * random keys, random failures, a random `max_in_flight` and attempts that finish in random order,
 * dispatching through `dueKeyHeads` never has two attempts of one key in flight, never sends an event
 * before the earlier ones of its key are delivered, keeps every key with work busy up to the limit, and
 * delivers everything. Then the same walk over a backlog of 10,000 distinct keys.
 */
import { env, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as store from "../../src/fanout/delivery-store";
import { freshTenant } from "../support/sources";

const NOW = 1_767_225_600_000;
const LEASE = NOW + 3_600_000;

interface Run {
	/** Each event's key index; -1 is a null key (the shared key). */
	keys: number[];
	maxInFlight: number;
	/** Per step: which in-flight attempt finishes (an index, modulo) and whether it fails. */
	steps: { pick: number; fail: boolean }[];
}

/** Drives one subscription's rows to completion; returns what was delivered, in order, and the violations. */
function drain(sql: SqlStorage, subId: string, run: Run): { delivered: number[]; violations: string[] } {
	const keyOf = (k: number) => (k < 0 ? "" : `k${k}`);
	run.keys.forEach((k, i) => {
		store.fanOut(sql, i + 1, [{ subId, key: keyOf(k) }], NOW);
	});
	const delivered: number[] = [];
	const violations: string[] = [];
	const done = new Set<number>();
	// The model: each key's undelivered sequences, lowest first.
	const waiting = new Map<string, number[]>();
	run.keys.forEach((k, i) => {
		waiting.set(keyOf(k), [...(waiting.get(keyOf(k)) ?? []), i + 1]);
	});
	let inFlight: { sub_id: string; seq: number; key: string }[] = [];
	for (let step = 0; ; step++) {
		const room = run.maxInFlight - store.inFlight(sql, subId, NOW);
		for (const row of store.dueKeyHeads(sql, subId, NOW, room)) {
			const key = row.key ?? "?";
			if (inFlight.some((f) => f.key === key)) violations.push(`two in flight for ${key} at ${row.seq}`);
			const head = waiting.get(key)?.[0];
			if (head !== row.seq) violations.push(`${row.seq} sent before ${head} of ${key}`);
			store.setDeliveryState(sql, row, "queued", LEASE, NOW);
			inFlight.push({ sub_id: subId, seq: row.seq, key });
		}
		const busyKeys = waiting.size;
		if (inFlight.length !== Math.min(run.maxInFlight, busyKeys))
			violations.push(`step ${step}: ${inFlight.length} in flight with ${busyKeys} keys waiting`);
		if (inFlight.length === 0) break;
		const { pick, fail } = run.steps[step % run.steps.length] ?? { pick: 0, fail: false };
		// Never fail forever: past a bound every attempt succeeds, so the walk ends.
		const failing = fail && step < run.keys.length * 4;
		const [job] = inFlight.splice(pick % inFlight.length, 1);
		if (!job) break;
		if (failing) {
			store.setDeliveryState(sql, job, "pending", NOW, NOW);
		} else {
			store.setDeliveryState(sql, job, "delivered", NOW, NOW);
			done.add(job.seq);
			delivered.push(job.seq);
			const rest = (waiting.get(job.key) ?? []).filter((s) => s !== job.seq);
			if (rest.length === 0) waiting.delete(job.key);
			else waiting.set(job.key, rest);
		}
		inFlight = inFlight.filter((f) => !done.has(f.seq));
	}
	return { delivered, violations };
}

/** Sequences delivered before an earlier one of the same key. */
function outOfOrder(keys: number[], delivered: number[]): number[] {
	const last = new Map<number, number>();
	const bad: number[] = [];
	for (const seq of delivered) {
		const key = keys[seq - 1] ?? 0;
		if ((last.get(key) ?? 0) > seq) bad.push(seq);
		last.set(key, seq);
	}
	return bad;
}

describe("per-key dispatch (property)", () => {
	it("keeps each key in order, one in flight per key, keys busy up to max_in_flight, everything delivered", async () => {
		await runInDurableObject(env.TENANT.getByName(freshTenant("perkey")), (_instance, state) => {
			const sql = state.storage.sql;
			let n = 0;
			fc.assert(
				fc.property(
					fc.record({
						keys: fc.array(fc.integer({ min: -1, max: 7 }), { minLength: 1, maxLength: 60 }),
						maxInFlight: fc.integer({ min: 1, max: 10 }),
						steps: fc.array(fc.record({ pick: fc.nat(100), fail: fc.boolean() }), { minLength: 1, maxLength: 200 }),
					}),
					(run) => {
						n += 1;
						const { delivered, violations } = drain(sql, `sub_prop${n}`, run);
						expect(violations).toEqual([]);
						expect([...delivered].sort((a, b) => a - b)).toEqual(run.keys.map((_k, i) => i + 1));
						expect(outOfOrder(run.keys, delivered)).toEqual([]);
					},
				),
				{ numRuns: 60 },
			);
		});
	});

	it("drains a backlog spread over 10,000 distinct keys with the same guarantees", async () => {
		await runInDurableObject(env.TENANT.getByName(freshTenant("perkey")), (_instance, state) => {
			const keys = Array.from({ length: 10_000 }, (_v, i) => i);
			const steps = Array.from({ length: 97 }, (_v, i) => ({ pick: i * 7, fail: i % 3 === 0 }));
			const { delivered, violations } = drain(state.storage.sql, "sub_wide", { keys, maxInFlight: 100, steps });
			expect(violations).toEqual([]);
			expect(delivered).toHaveLength(10_000);
			expect(new Set(delivered).size).toBe(10_000);
		});
	}, 300_000);
});
