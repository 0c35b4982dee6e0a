/**
 * The Durable Object's read models and the API's documented responses are the same zod schemas
 * (src/schema/read-models.ts): every answer parses with its schema to exactly itself, so nothing is
 * returned that /openapi.json does not describe, and nothing it describes is missing.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DeliveryStatsSchema } from "../../src/schema/delivery-stats";
import {
	AttemptViewSchema,
	EventDetailSchema,
	EventSummarySchema,
	LogStatsSchema,
	pageOf,
	StoredEventDetailSchema,
	SubscriptionStateSchema,
} from "../../src/schema/read-models";
import { populatedTenant } from "./client";

/** Parsing strips unknown keys at every level: equal after parsing means the shapes agree exactly. */
const exactly = (schema: { parse: (v: unknown) => unknown }, value: unknown) =>
	expect(schema.parse(value)).toEqual(value);

describe("read models", () => {
	it("the log's answers and the API's responses fit the one schema each", async () => {
		const t = await populatedTenant("rm");
		await new Promise((r) => setTimeout(r, 100)); // let the attempt settle
		const log = env.TENANT.getByName(t.id);

		exactly(StoredEventDetailSchema, await log.getEvent(t.eventId));
		exactly(pageOf(EventSummarySchema), await log.listEvents({ limit: 10 }));
		exactly(pageOf(AttemptViewSchema), await log.listAttempts(t.subId, { limit: 10 }));
		exactly(SubscriptionStateSchema, (await log.getSubscription(t.subId))?.state);
		exactly(LogStatsSchema, await log.stats());
		exactly(DeliveryStatsSchema, await log.deliveryStats());

		exactly(EventDetailSchema, (await t.api("GET", `/v1/events/${t.eventId}`)).body);
		exactly(pageOf(EventSummarySchema), (await t.api("GET", "/v1/events")).body);
		exactly(pageOf(AttemptViewSchema), (await t.api("GET", `/v1/subscriptions/${t.subId}/attempts`)).body);
		exactly(SubscriptionStateSchema, (await t.api("GET", `/v1/subscriptions/${t.subId}`)).body.state);
		const { tenant, ...stats } = (await t.api("GET", "/v1/stats")).body;
		expect(tenant).toBe(t.id);
		exactly(DeliveryStatsSchema, stats);
	});
});
