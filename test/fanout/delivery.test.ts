import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import type { Envelope } from "../../src/schema/envelope";
import { postCalls, seedVoipbin } from "../support/events";
import { sinkName, sinkUrl, waitFor } from "../support/sink";
import { freshTenant } from "../support/sources";
import { subscribe, TEST_SECRET } from "../support/subscriptions";

describe("delivery to a subscriber", () => {
	it("delivers every event, signed so the standardwebhooks library verifies it", async () => {
		const tenant = freshTenant();
		await seedVoipbin(tenant);
		const sink = sinkName();
		await subscribe(tenant, { url: sinkUrl("ok", sink) });
		const accepted = await postCalls(tenant, 3);

		const got = await waitFor(sink, (r) => r.length >= 3);
		expect(got).toHaveLength(3);
		const wh = new Webhook(TEST_SECRET);
		const envelopes = got.map((r) => wh.verify(r.body, r.headers) as Envelope);
		expect(envelopes.map((e) => e.id)).toEqual(accepted.map((a) => a.id));
		expect(envelopes.map((e) => e.sequence)).toEqual([1, 2, 3]);
		for (const r of got) {
			expect(r.headers["content-type"]).toBe("application/json");
			expect(r.headers["user-agent"]).toMatch(/^hookfan\//);
			expect(r.headers["webhook-id"]).toBe(JSON.parse(r.body).id);
		}
	});
});
