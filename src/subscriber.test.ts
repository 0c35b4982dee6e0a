import { Webhook } from "standardwebhooks";
import { describe, expect, expectTypeOf, it } from "vitest";
import { CATALOG_PROVIDERS } from "./providers";
import { exampleEnvelope } from "./schema/catalog-examples";
import type { CallData, MessageData } from "./schema/envelope";
import { type DeliveryResult, type HookfanEvent, parseEvent, verifyDelivery } from "./subscriber";

const SECRET = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const OTHER_SECRET = "whsec_c2Vjb25kc2Vjb25kc2Vjb25kc2Vjb25kc2Vjb25k";

/** A delivery as the gateway sends it: the envelope's JSON with Standard Webhooks headers. */
function delivery(envelope: unknown, { secret = SECRET, at = new Date() } = {}) {
	const body = JSON.stringify(envelope);
	const id = (envelope as { id: string }).id;
	const headers = {
		"webhook-id": id,
		"webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
		"webhook-signature": new Webhook(secret).sign(id, at, body),
	};
	return { body, headers };
}

function accepted(result: DeliveryResult): HookfanEvent {
	if (!result.ok) throw new Error(`refused: ${result.reason}`);
	return result.event;
}

describe("verifyDelivery", () => {
	it("accepts a correctly signed delivery and narrows data by type", () => {
		const { body, headers } = delivery(
			exampleEnvelope("message.received", CATALOG_PROVIDERS.emitters("message.received")[0]),
		);
		const event = accepted(verifyDelivery(SECRET, body, new Headers(headers)));
		if (event.type !== "message.received") throw new Error(`unexpected ${event.type}`);
		expect(event.data.text).toBe("hi there");
		expect(event.data.attachments).toEqual([]);
	});

	it("takes node:http's header record, names in any case", () => {
		const { body, headers } = delivery(exampleEnvelope("call.hangup", CATALOG_PROVIDERS.emitters("call.hangup")[0]));
		const nodeHeaders = {
			"Webhook-Id": [headers["webhook-id"]],
			"WEBHOOK-TIMESTAMP": headers["webhook-timestamp"],
			"webhook-signature": headers["webhook-signature"],
			"x-absent": undefined,
		};
		const event = accepted(verifyDelivery(SECRET, body, nodeHeaders));
		expect(event.type === "call.hangup" && event.data.hangup_reason).toBe("normal");
	});

	it("refuses a signature made with another secret", () => {
		const { body, headers } = delivery(exampleEnvelope("call.hangup", CATALOG_PROVIDERS.emitters("call.hangup")[0]), {
			secret: OTHER_SECRET,
		});
		expect(verifyDelivery(SECRET, body, headers)).toEqual({ ok: false, reason: "bad_signature" });
	});

	it("refuses a tampered body", () => {
		const { body, headers } = delivery(
			exampleEnvelope("message.received", CATALOG_PROVIDERS.emitters("message.received")[0]),
		);
		const tampered = body.replace("hi there", "hi thera");
		expect(verifyDelivery(SECRET, tampered, headers)).toEqual({ ok: false, reason: "bad_signature" });
	});

	it("refuses a timestamp older than five minutes, and one from the future", () => {
		const old = delivery(exampleEnvelope("message.received", CATALOG_PROVIDERS.emitters("message.received")[0]), {
			at: new Date(Date.now() - 6 * 60_000),
		});
		expect(verifyDelivery(SECRET, old.body, old.headers)).toEqual({ ok: false, reason: "stale_timestamp" });
		const ahead = delivery(exampleEnvelope("message.received", CATALOG_PROVIDERS.emitters("message.received")[0]), {
			at: new Date(Date.now() + 6 * 60_000),
		});
		expect(verifyDelivery(SECRET, ahead.body, ahead.headers)).toEqual({ ok: false, reason: "future_timestamp" });
	});

	it("refuses a delivery without its headers", () => {
		const { body } = delivery(exampleEnvelope("message.received", CATALOG_PROVIDERS.emitters("message.received")[0]));
		expect(verifyDelivery(SECRET, body, {})).toEqual({ ok: false, reason: "missing_headers" });
	});

	it("parses a passthrough type, its payload in raw", () => {
		const envelope = {
			...exampleEnvelope("call.created", "voipbin"),
			type: "voipbin.agent_created",
			provider_type: "agent_created",
			data: {},
			raw: { type: "agent_created", data: { id: "agent-1" } },
		};
		const { body, headers } = delivery(envelope);
		const event = accepted(verifyDelivery(SECRET, body, headers));
		expect(event).toMatchObject({ type: "voipbin.agent_created", data: {}, raw: envelope.raw });
	});

	it("reports an authentic but unknown type with its envelope, so a subscriber can acknowledge it", () => {
		const envelope = {
			...exampleEnvelope("call.created", "voipbin"),
			type: "call.transferred",
		};
		const { body, headers } = delivery(envelope);
		expect(verifyDelivery(SECRET, body, headers)).toMatchObject({ ok: false, reason: "unknown_type", envelope });
	});

	it("refuses a signed envelope whose data does not fit its type", () => {
		const envelope = {
			...exampleEnvelope("message.received", CATALOG_PROVIDERS.emitters("message.received")[0]),
			data: { text: 5 },
		};
		const { body, headers } = delivery(envelope);
		expect(verifyDelivery(SECRET, body, headers)).toMatchObject({ ok: false, reason: "malformed" });
	});
});

describe("HookfanEvent narrowing (checked by tsc)", () => {
	it("narrows data by type in a switch, and passthrough types to empty data", () => {
		const result = parseEvent(exampleEnvelope("call.hangup", CATALOG_PROVIDERS.emitters("call.hangup")[0]));
		const event = accepted(result);
		switch (event.type) {
			case "message.received":
				expectTypeOf(event.data).toEqualTypeOf<MessageData>();
				expectTypeOf(event.data.text).toEqualTypeOf<string | null>();
				break;
			case "call.hangup":
				expectTypeOf(event.data).toEqualTypeOf<CallData>();
				break;
			case "rapidpro.msg_wait":
				expectTypeOf(event.data).toEqualTypeOf<Record<string, never>>();
				break;
		}
		expectTypeOf<Extract<HookfanEvent, { type: "contact.unsubscribed" }>["data"]["urn"]>().toEqualTypeOf<
			string | null
		>();
		// @ts-expect-error: a call carries no text
		expectTypeOf<Extract<HookfanEvent, { type: "call.hangup" }>["data"]["text"]>();
		expect(event.type).toBe("call.hangup");
	});
});
