/**
 * The rejection log's bounds, driven with an explicit clock inside the tenant's Durable Object: the
 * latest `KEPT_PER_SOURCE` kept per source, at most `STORED_PER_MINUTE` stored per minute, every
 * refusal counted, and `bulk_started` once when a source crosses into bulk refusal.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
	BULK_PER_MINUTE,
	KEPT_PER_SOURCE,
	listRejections,
	type RejectionBatch,
	RejectionBatchSchema,
	type RejectionTally,
	recordRejections,
	STORED_PER_MINUTE,
} from "../../src/fanout/rejection-log";
import { rejectionRecord } from "../../src/ingest/rejection";
import { freshTenant } from "../support/sources";

const T0 = Date.parse("2026-11-30T12:00:00Z");

function batch(source: string, count: number, samples: number, at: number): RejectionBatch {
	const record = rejectionRecord(
		{ method: "POST", headers: new Headers({ "x-voipbin-signature": "sha256=00" }), bodyBytes: 10, now: at },
		"signature_mismatch",
	);
	return { source, counts: { signature_mismatch: count }, samples: Array.from({ length: samples }, () => record) };
}

function inObject<T>(tenant: string, fn: (sql: SqlStorage) => T): Promise<T> {
	return runInDurableObject(env.TENANT.getByName(tenant), (_, state) => fn(state.storage.sql));
}

describe("rejection log", () => {
	it("keeps only the latest records per source and counts every refusal", async () => {
		const tenant = freshTenant("rejlog");
		const page = await inObject(tenant, (sql) => {
			// Seven minutes of floods: 100 refusals a minute, 10 samples each, all stored (10 a minute).
			for (let minute = 0; minute < 7; minute++) {
				recordRejections(sql, batch("vb", 100, 10, T0 + minute * 60_000), T0 + minute * 60_000);
			}
			recordRejections(sql, batch("other", 1, 1, T0), T0);
			return listRejections(sql, "vb", { limit: 200 });
		});
		expect(page.data).toHaveLength(KEPT_PER_SOURCE);
		expect(page.data[0]?.id).toBe(700);
		expect(page.data.at(-1)?.id).toBe(291); // the last 10 of each of the newest five minutes
		expect(page.counts).toMatchObject({ total: 700, by_reason: { signature_mismatch: 700 } });
		expect(page.counts.since).toBe(new Date(T0).toISOString());
		const other = await inObject(tenant, (sql) => listRejections(sql, "other", { limit: 10 }));
		expect(other.data).toHaveLength(1); // one source's flood does not push out another's
	});

	it("stores at most STORED_PER_MINUTE per source per minute; the rest only count", async () => {
		const tenant = freshTenant("rejlog");
		const { page, tallies } = await inObject(tenant, (sql) => {
			const tallies: RejectionTally[] = [];
			for (let i = 0; i < 30; i++) tallies.push(recordRejections(sql, batch("vb", 1, 1, T0 + i * 1000), T0 + i * 1000));
			return { page: listRejections(sql, "vb", { limit: 200 }), tallies };
		});
		expect(page.data).toHaveLength(STORED_PER_MINUTE);
		expect(page.counts.total).toBe(30);
		// Reported once, when the minute's count reaches the bulk threshold.
		expect(tallies.filter((t) => t.bulk_started)).toHaveLength(1);
		expect(tallies.findIndex((t) => t.bulk_started)).toBe(BULK_PER_MINUTE - 1);

		const later = await inObject(tenant, (sql) => {
			recordRejections(sql, batch("vb", 1, 1, T0 + 61_000), T0 + 61_000);
			return listRejections(sql, "vb", { limit: 200 });
		});
		expect(later.data).toHaveLength(STORED_PER_MINUTE + 1); // a new minute stores again
	});

	it("refuses a batch that does not parse at the object's RPC boundary", () => {
		expect(RejectionBatchSchema.safeParse({ source: "../x", counts: {}, samples: [] }).success).toBe(false);
		const foreign = { ...batch("vb", 1, 1, T0), counts: { not_a_reason: 1 } };
		expect(RejectionBatchSchema.safeParse(foreign).success).toBe(false);
		expect(RejectionBatchSchema.safeParse({ ...batch("vb", 1, 2, T0) }).success).toBe(false); // more samples than counted
		expect(RejectionBatchSchema.safeParse(batch("vb", 5, 2, T0)).success).toBe(true);
	});
});
