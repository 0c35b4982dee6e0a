import { describe, expect, it } from "vitest";
import { normalizeStandardWebhooks } from "./standardwebhooks";

const headers = (id?: string) => new Headers(id ? { "webhook-id": id } : {});

/** A call as another hookfan delivers it: already in the canonical `call` shape. */
const call = {
	id: "c-77",
	status: "hangup",
	direction: "outbound",
	from: "+4930123",
	to: "+4940456",
	hangup_reason: "busy",
};

describe("normalizeStandardWebhooks", () => {
	it("keeps a canonical type whose data fits its schema, with the sender's timestamp", () => {
		const body = { type: "call.hangup", timestamp: "2026-11-20T10:00:05Z", data: call };
		const r = normalizeStandardWebhooks({ body, headers: headers("msg_1") });
		expect(r).toEqual({
			ok: true,
			event: {
				provider_type: "call.hangup",
				type: "call.hangup",
				occurred_at: "2026-11-20T10:00:05.000Z",
				data: call,
				subject: "call:c-77",
				raw: body,
				dedupe_key: "msg_1",
			},
		});
	});

	it("passes a canonical type whose data does not fit through as standardwebhooks.<type>", () => {
		const body = { type: "call.hangup", data: { id: 42 } };
		const r = normalizeStandardWebhooks({ body, headers: headers("msg_2") });
		expect(r.ok && r.event.type).toBe("standardwebhooks.call.hangup");
		expect(r.ok && r.event.data).toEqual({});
		expect(r.ok && r.event.raw).toEqual(body);
	});

	it("passes an unknown type through, with empty data and no occurred_at when none is sent", () => {
		const r = normalizeStandardWebhooks({ body: { type: "invoice.paid", data: { amount: 3 } }, headers: headers() });
		expect(r.ok && r.event).toMatchObject({
			provider_type: "invoice.paid",
			type: "standardwebhooks.invoice.paid",
			data: {},
			occurred_at: null,
		});
	});

	it("dedupes on webhook-id, the same on every retry, and falls back to the body without one", () => {
		const body = { type: "invoice.paid" };
		expect(normalizeStandardWebhooks({ body, headers: headers("msg_9") })).toMatchObject({
			event: { dedupe_key: "msg_9" },
		});
		expect(normalizeStandardWebhooks({ body, headers: headers() })).toMatchObject({ event: { dedupe_key: null } });
	});

	it("refuses a payload without a type", () => {
		for (const body of [{ data: {} }, { type: "" }, ["invoice.paid"], "invoice.paid"]) {
			const r = normalizeStandardWebhooks({ body, headers: headers("msg_3") });
			expect(r.ok, JSON.stringify(body)).toBe(false);
			expect(!r.ok && r.issues.length).toBeGreaterThan(0);
		}
	});
});
