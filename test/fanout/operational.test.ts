/**
 * Operational events end to end in workerd, with a real local subscriber: hookfan reports what it did
 * to a subscription (disabled on 410, failing, recovered) and a source refusing in bulk, as events
 * delivered to `hookfan.*` subscribers only, never to the subscription they are about.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { FAILING_AFTER } from "../../src/fanout/operational";
import { as, newTenant } from "../api/client";
import { postCalls, seedVoipbin } from "../support/events";
import { type Received, sinkName, sinkUrl, waitFor } from "../support/sink";
import { freshTenant } from "../support/sources";
import { subscribe } from "../support/subscriptions";

type Delivered = { type: string; source: string; provider: string; data: Record<string, unknown> };
const bodies = (r: Received[]) => r.map((x) => JSON.parse(x.body) as Delivered);
const types = (r: Received[]) => bodies(r).map((e) => e.type);

describe("operational events", () => {
	it("tells a hookfan.* subscriber that another subscription was disabled by a 410, and never the disabled one", async () => {
		const tenant = freshTenant();
		await seedVoipbin(tenant);
		const [goneSink, opsSink, allSink] = [sinkName("gone"), sinkName("ops"), sinkName("all")];
		const gone = await subscribe(tenant, { url: sinkUrl("status/410", goneSink), event_types: ["*", "hookfan.*"] });
		await subscribe(tenant, { url: sinkUrl("ok", opsSink), event_types: ["hookfan.*"] });
		await subscribe(tenant, { url: sinkUrl("ok", allSink), event_types: ["*"] });
		await postCalls(tenant, 1);

		const ops = await waitFor(opsSink, (r) => r.length >= 1);
		expect(bodies(ops)).toEqual([
			expect.objectContaining({
				type: "hookfan.subscription.disabled",
				source: "hookfan",
				provider: "hookfan",
				data: {
					subscription_id: gone,
					status: "disabled",
					reason: "gone",
					consecutive_failures: 1,
					last_error: { status: 410, error: "gone" },
				},
			}),
		]);
		// `*` alone does not match operational types: the catch-all subscriber got only the call.
		const all = await waitFor(allSink, (r) => r.length >= 1);
		expect(types(all)).toEqual(["call.created"]);
		expect(types(await waitFor(goneSink, () => false, 1000))).toEqual(["call.created"]);
		expect((await env.TENANT.getByName(tenant).getSubscription(gone))?.status).toBe("disabled");
		// Nor does a replay or a redelivery send it there: the replay reopens the call only.
		expect(await env.TENANT.getByName(tenant).replay(gone, { since_sequence: 1 })).toEqual({ replayed: 1 });
		const [disabledEvent] = bodies(ops) as (Delivered & { id: string })[];
		const redelivered = await env.TENANT.getByName(tenant).redeliver(disabledEvent?.id ?? "");
		expect(redelivered?.subscriptions).not.toContain(gone);
	});

	it(`reports failing after ${FAILING_AFTER} failed attempts in a row, and recovered after the next success`, async () => {
		const tenant = freshTenant();
		await seedVoipbin(tenant);
		const [flakySink, opsSink] = [sinkName("flaky"), sinkName("ops")];
		const flaky = await subscribe(tenant, {
			url: sinkUrl(`fail/${FAILING_AFTER}`, flakySink),
			retry_schedule: [1, 1, 1, 1, 1, 1],
		});
		await subscribe(tenant, {
			url: sinkUrl("ok", opsSink),
			event_types: ["hookfan.subscription.failing", "hookfan.subscription.recovered"],
		});
		await postCalls(tenant, 1);

		const ops = await waitFor(opsSink, (r) => r.length >= 2, 30_000);
		expect(
			bodies(ops).map((e) => [e.type, e.data.subscription_id, e.data.reason, e.data.consecutive_failures]),
		).toEqual([
			["hookfan.subscription.failing", flaky, "consecutive_failures", FAILING_AFTER],
			["hookfan.subscription.recovered", flaky, "delivered", 0],
		]);
		expect(bodies(ops)[0]?.data.last_error).toEqual({ status: 500, error: "http_status" });
		const flakyGot = await waitFor(flakySink, (r) => r.some((x) => x.status === 200));
		expect(types(flakyGot).every((t) => t === "call.created")).toBe(true);
	});

	it("appends hookfan.source.rejecting when the refusal log reports a source, at most once an hour", async () => {
		const tenant = freshTenant();
		await seedVoipbin(tenant);
		const opsSink = sinkName("ops");
		await subscribe(tenant, { url: sinkUrl("ok", opsSink), event_types: ["hookfan.source.rejecting"] });
		const log = env.TENANT.getByName(tenant);

		expect(await log.sourceRejecting("vb", { rejected: 120, accepted: 3, window_seconds: 300 })).toBe(true);
		expect(await log.sourceRejecting("vb", { rejected: 500, accepted: 0, window_seconds: 300 })).toBe(false);
		const ops = await waitFor(opsSink, (r) => r.length >= 1);
		expect(bodies(ops)).toEqual([
			expect.objectContaining({
				type: "hookfan.source.rejecting",
				data: { source_id: "vb", rejected: 120, accepted: 3, window_seconds: 300 },
			}),
		]);
		const listed = await log.listEvents({ limit: 10, type: "hookfan.source.rejecting" });
		expect(listed.data).toEqual([expect.objectContaining({ source: "hookfan" })]);
	});

	it("reserves the source id hookfan: no tenant can create a source that looks like hookfan's own", async () => {
		const tenant = await newTenant("ops-reserved");
		const res = await as(tenant.key)("PUT", "/v1/sources/hookfan", { provider: "voipbin" });
		expect(res.status).toBe(422);
		expect(res.body).toMatchObject({ code: "validation_failed", detail: expect.stringContaining("reserved") });
	});

	it("appends nothing that no subscription would receive, so a tenant without hookfan.* subscribers sees no gaps", async () => {
		const tenant = freshTenant();
		await seedVoipbin(tenant);
		await subscribe(tenant, { url: sinkUrl("ok", sinkName()), event_types: ["*"] });
		const log = env.TENANT.getByName(tenant);
		expect(await log.sourceRejecting("vb", { rejected: 9, accepted: 0, window_seconds: 60 })).toBe(false);
		expect((await log.stats()).head_sequence).toBe(0);
	});
});
