import { describe, expect, it } from "vitest";
import { SW_SECRET, standardRequest } from "../builders/standardwebhooks";
import { ingestOk, postIngest } from "../support/ingest";
import { storedEvents } from "../support/log";
import { freshTenant, seedSource } from "../support/sources";

async function tenantWithSource() {
	const tenant = freshTenant();
	await seedSource(tenant, "sw", { provider: "standardwebhooks", secret: SW_SECRET });
	return tenant;
}

const contact = { id: "c1", name: "Ada", phone: "+15550001111", urn: "tel:+15550001111" };

describe("Standard Webhooks ingest", () => {
	it("keeps a canonical type whose data fits, e.g. from another hookfan", async () => {
		const tenant = await tenantWithSource();
		await ingestOk(
			tenant,
			"sw",
			await standardRequest({ type: "contact.updated", timestamp: "2026-11-01T00:00:00Z", data: contact }),
		);
		const [event] = await storedEvents(tenant);
		expect(event).toMatchObject({ type: "contact.updated", data: contact, occurred_at: "2026-11-01T00:00:00.000Z" });
	});

	it("passes anything else through as standardwebhooks.<type>", async () => {
		const tenant = await tenantWithSource();
		await ingestOk(tenant, "sw", await standardRequest({ type: "invoice.paid", data: { amount: 3 } }));
		const [event] = await storedEvents(tenant);
		expect(event).toMatchObject({ type: "standardwebhooks.invoice.paid", data: {}, raw: { data: { amount: 3 } } });
	});

	it("dedupes a retry by webhook-id", async () => {
		const tenant = await tenantWithSource();
		const first = await ingestOk(tenant, "sw", await standardRequest({ type: "a.b" }, { id: "msg_1" }));
		const retry = await ingestOk(tenant, "sw", await standardRequest({ type: "a.b" }, { id: "msg_1" }));
		expect(retry).toEqual({ id: first.id, duplicate: true });
	});

	it("rejects a stale timestamp, a wrong secret and a tampered body with 401", async () => {
		const tenant = await tenantWithSource();
		const stale = await standardRequest({ type: "a.b" }, { timestamp: Math.floor(Date.now() / 1000) - 600 });
		const wrong = await standardRequest({ type: "a.b" }, { secret: "whsec_d3JvbmdzZWNyZXR3cm9uZ3NlY3JldHdyb25n" });
		const good = await standardRequest({ type: "a.b" });
		for (const req of [stale, wrong, { ...good, body: good.body.replace("a.b", "a.c") }]) {
			expect((await postIngest(tenant, "sw", req)).status).toBe(401);
		}
		expect(await storedEvents(tenant)).toHaveLength(0);
	});
});
