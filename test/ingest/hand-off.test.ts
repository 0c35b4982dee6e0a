/**
 * When the tenant's Durable Object cannot be reached, ingest still answers 200 because the event
 * waits durably in the EVENTS queue, whose real consumer appends it later. The local simulator
 * cannot make a Durable Object unreachable, so these tests hand `handOff` a TENANT binding that
 * fails; the queue, its consumer, KV and the Durable Object that finally appends are all real.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { spoolKey } from "../../src/config";
import { handOff } from "../../src/fanout/hand-off";
import { eventId } from "../../src/ids";
import { ingestResponse } from "../../src/ingest/outcome";
import type { PendingEnvelope } from "../../src/schema/envelope";
import { eventually, storedEvents } from "../support/log";
import { freshTenant } from "../support/sources";

const unreachable = {
	getByName: () => ({ append: () => Promise.reject(new Error("Durable Object is overloaded")) }),
} as unknown as Env["TENANT"];

function pending(tenant: string, extra: Record<string, unknown> = {}): PendingEnvelope {
	return {
		id: eventId(),
		type: "call.created",
		tenant,
		source: "vb",
		provider: "voipbin",
		provider_type: "call_created",
		occurred_at: null,
		received_at: new Date().toISOString(),
		data: {},
		subject: "call:c1",
		raw: { type: "call_created", data: { id: "c1", ...extra } },
	};
}

describe("hand-off when the tenant's Durable Object is unreachable", () => {
	it("queues the event, and the queue consumer appends it to the log", async () => {
		const tenant = freshTenant();
		const envelope = pending(tenant);
		const outcome = await handOff({ ...env, TENANT: unreachable }, { envelope, dedupe_key: "k1" });
		expect(outcome).toEqual({ id: envelope.id, sequence: null, duplicate: false, via: "queue" });
		const events = await eventually(
			() => storedEvents(tenant),
			(e) => e.length > 0,
		);
		expect(events.map((e) => [e.id, e.sequence])).toEqual([[envelope.id, 1]]);
	});

	it("spools an event too large for a queue message in KV, and cleans up after appending", async () => {
		const tenant = freshTenant();
		const envelope = pending(tenant, { note: "x".repeat(300 * 1024) });
		await handOff({ ...env, TENANT: unreachable }, { envelope, dedupe_key: "big" });
		const events = await eventually(
			() => storedEvents(tenant),
			(e) => e.length > 0,
		);
		expect(events.map((e) => e.id)).toEqual([envelope.id]);
		expect(
			await eventually(
				() => env.CONFIG.get(spoolKey(tenant, envelope.id)),
				(v) => v === null,
			),
		).toBeNull();
	});

	it("appends a queued event only once, even if it was also appended directly", async () => {
		const tenant = freshTenant();
		const envelope = pending(tenant);
		await env.TENANT.getByName(tenant).append({ envelope, dedupe_key: "same" });
		await handOff({ ...env, TENANT: unreachable }, { envelope: { ...envelope, id: eventId() }, dedupe_key: "same" });
		await new Promise((r) => setTimeout(r, 1500));
		expect(await storedEvents(tenant)).toHaveLength(1);
	});

	it("answers 503 with Retry-After only when the queue fails too", async () => {
		const tenant = freshTenant();
		const brokenQueue = { send: () => Promise.reject(new Error("queue down")) } as unknown as Env["EVENTS"];
		const outcome = await handOff(
			{ ...env, TENANT: unreachable, EVENTS: brokenQueue },
			{ envelope: pending(tenant), dedupe_key: "k" },
		);
		// The hand-off refuses with a value; ingest renders it (src/ingest/outcome.ts).
		expect(outcome).toEqual({ refused: "unavailable" });
		const res = ingestResponse({ kind: "unavailable" });
		expect(res.status).toBe(503);
		expect(res.headers.get("retry-after")).toBe("30");
	});
});
