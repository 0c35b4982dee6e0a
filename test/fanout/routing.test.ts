import { env } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { postCalls, seedVoipbin } from "../support/events";
import { sinkName, sinkUrl, waitFor } from "../support/sink";
import { freshTenant } from "../support/sources";
import { subscribe, TEST_SECRET } from "../support/subscriptions";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sequences = (r: { body: string }[]) => r.map((x) => JSON.parse(x.body).sequence as number);

describe("which events go where", () => {
	it("filters by exact type, resource wildcard and source", async () => {
		const tenant = freshTenant();
		await seedVoipbin(tenant, "vb");
		await seedVoipbin(tenant, "other");
		const [all, hangups, calls, fromOther] = [sinkName(), sinkName(), sinkName(), sinkName()];
		await subscribe(tenant, { url: sinkUrl("ok", all) });
		await subscribe(tenant, { url: sinkUrl("ok", hangups), event_types: ["call.hangup"] });
		await subscribe(tenant, { url: sinkUrl("ok", calls), event_types: ["call.*"], sources: ["vb"] });
		await subscribe(tenant, { url: sinkUrl("ok", fromOther), sources: ["other"] });

		await postCalls(tenant, 1, { type: "call_created", from: 1 }); // seq 1: call.created from vb
		await postCalls(tenant, 1, { type: "call_hungup", from: 2 }); // seq 2: call.hangup from vb
		await postCalls(tenant, 1, { type: "agent_created", from: 3 }); // seq 3: voipbin.agent_created from vb
		await postCalls(tenant, 1, { type: "call_hungup", from: 4, source: "other" }); // seq 4

		expect(sequences(await waitFor(all, (r) => r.length >= 4))).toEqual([1, 2, 3, 4]);
		expect(sequences(await waitFor(hangups, (r) => r.length >= 2))).toEqual([2, 4]);
		expect(sequences(await waitFor(calls, (r) => r.length >= 2))).toEqual([1, 2]);
		expect(sequences(await waitFor(fromOther, (r) => r.length >= 1))).toEqual([4]);
		await sleep(300);
		expect((await waitFor(hangups, () => false, 0)).length).toBe(2);
	});

	it("keeps and counts an event that matches no subscription", async () => {
		const tenant = freshTenant();
		await seedVoipbin(tenant);
		await postCalls(tenant, 2);
		expect(await env.TENANT.getByName(tenant).stats()).toMatchObject({
			head_sequence: 2,
			events: 2,
			unmatched_events: 2,
		});
	});

	it("gives a new subscription the events after it was created, not before", async () => {
		const tenant = freshTenant();
		await seedVoipbin(tenant);
		await postCalls(tenant, 2);
		const sink = sinkName();
		await subscribe(tenant, { url: sinkUrl("ok", sink) });
		await postCalls(tenant, 1, { from: 3 });
		expect(sequences(await waitFor(sink, (r) => r.length >= 1))).toEqual([3]);
	});

	it("delivers unordered subscriptions through the queue, each event once", async () => {
		const tenant = freshTenant();
		await seedVoipbin(tenant);
		const sink = sinkName();
		await subscribe(tenant, { url: sinkUrl("ok", sink), ordering: "unordered" });
		await postCalls(tenant, 10);
		const got = await waitFor(sink, (r) => r.length >= 10);
		expect(sequences(got).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
	});

	it("replays a subscription from a sequence, in order", async () => {
		const tenant = freshTenant();
		await seedVoipbin(tenant);
		const sink = sinkName();
		const sub = await subscribe(tenant, { url: sinkUrl("ok", sink) });
		await postCalls(tenant, 4);
		await waitFor(sink, (r) => r.length >= 4);
		expect(await env.TENANT.getByName(tenant).replay(sub, { since_sequence: 2 })).toEqual({ replayed: 3 });
		const got = await waitFor(sink, (r) => r.length >= 7);
		expect(sequences(got)).toEqual([1, 2, 3, 4, 2, 3, 4]);
	});

	it("redelivers one event on request", async () => {
		const tenant = freshTenant();
		await seedVoipbin(tenant);
		const sink = sinkName();
		const sub = await subscribe(tenant, { url: sinkUrl("ok", sink) });
		const [, second] = await postCalls(tenant, 2);
		await waitFor(sink, (r) => r.length >= 2);
		expect(await env.TENANT.getByName(tenant).redeliver(second?.id ?? "")).toEqual({ subscriptions: [sub] });
		expect(sequences(await waitFor(sink, (r) => r.length >= 3))).toEqual([1, 2, 2]);
	});

	it("signs with both secrets during a rotation", async () => {
		const tenant = freshTenant();
		await seedVoipbin(tenant);
		const sink = sinkName();
		const newer = "whsec_bmV3ZXJzZWNyZXRuZXdlcnNlY3JldG5ld2Vyc2VjcmU=";
		await subscribe(tenant, { url: sinkUrl("ok", sink), secrets: [newer, TEST_SECRET], rotated_at: Date.now() });
		await postCalls(tenant, 1);
		const [got] = await waitFor(sink, (r) => r.length >= 1);
		expect(got?.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
		for (const secret of [newer, TEST_SECRET]) {
			expect(() => new Webhook(secret).verify(got?.body ?? "", got?.headers ?? {})).not.toThrow();
		}
	});
});
