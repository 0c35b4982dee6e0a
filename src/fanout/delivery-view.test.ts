import { describe, expect, it } from "vitest";
import { type DeliveryContext, deriveDeliveryState } from "./delivery-view";

const NOW = 1_700_000_000_000;
const ctx = (over: Partial<DeliveryContext> = {}): DeliveryContext => ({
	status: "active",
	ordering: "ordered",
	headSeq: 5,
	lastAttemptNextAt: null,
	now: NOW,
	...over,
});
const row = (state: "pending" | "queued" | "delivered" | "failed", seq = 5, next_at = NOW - 1000) => ({
	state,
	seq,
	next_at,
});

describe("a delivery's state as shown", () => {
	it("is delivered or failed once settled, whatever the subscription", () => {
		expect(deriveDeliveryState(row("delivered"), ctx({ status: "disabled" })).state).toBe("delivered");
		expect(deriveDeliveryState(row("failed"), ctx()).state).toBe("failed");
	});

	it("is held while the subscription is paused or disabled, with no next attempt", () => {
		// After a 410: the row stays pending with a due time in the past; nothing will attempt it until a resume.
		expect(deriveDeliveryState(row("pending"), ctx({ status: "disabled" }))).toEqual({
			state: "held",
			nextAt: null,
			waitingFor: null,
		});
		expect(deriveDeliveryState(row("pending", 9), ctx({ status: "paused" })).state).toBe("held");
	});

	it("is waiting behind the ordered head, whose sequence it names", () => {
		expect(deriveDeliveryState(row("pending", 7), ctx({ headSeq: 5 }))).toEqual({
			state: "waiting",
			nextAt: null,
			waitingFor: 5,
		});
	});

	it("is retrying with a future next attempt, and in flight once that time has come", () => {
		expect(deriveDeliveryState(row("pending", 5, NOW + 5000), ctx())).toEqual({
			state: "retrying",
			nextAt: NOW + 5000,
			waitingFor: null,
		});
		expect(deriveDeliveryState(row("pending", 5, NOW - 10), ctx()).state).toBe("in_flight");
	});

	it("is queued for an unordered job on the queue, retrying while a queue retry waits for its time", () => {
		const unordered = { ordering: "unordered" as const, headSeq: 1 };
		expect(deriveDeliveryState(row("queued", 5, NOW + 900_000), ctx(unordered)).state).toBe("queued");
		expect(deriveDeliveryState(row("pending", 5, NOW - 10), ctx(unordered)).state).toBe("queued");
		expect(
			deriveDeliveryState(row("queued", 5, NOW + 900_000), ctx({ ...unordered, lastAttemptNextAt: NOW + 3000 })),
		).toEqual({ state: "retrying", nextAt: NOW + 3000, waitingFor: null });
	});
});
