import { describe, expect, it } from "vitest";
import { decide } from "./retry-policy";

const now = 1_000_000;
const fail = { outcome: "retry", error: "http_status", retryAfterMs: null } as const;

describe("decide", () => {
	it("marks a 2xx delivered", () => {
		expect(decide({ on_exhausted: "dead_letter" }, 1, { outcome: "delivered" }, now, 0.5)).toEqual({
			kind: "delivered",
		});
	});

	it("disables on gone, whatever the schedule", () => {
		expect(decide({ on_exhausted: "pause" }, 1, { outcome: "gone" }, now, 0.5)).toEqual({ kind: "disable" });
	});

	it("retries on the subscription's own schedule", () => {
		expect(decide({ retry_schedule: [2, 4], on_exhausted: "dead_letter" }, 2, fail, now, 0.5)).toEqual({
			kind: "retry",
			nextAt: now + 4000,
		});
	});

	it("uses the default schedule when the subscription has none", () => {
		expect(decide({ on_exhausted: "dead_letter" }, 1, fail, now, 0.5)).toEqual({ kind: "retry", nextAt: now + 5000 });
	});

	it("dead-letters or pauses once exhausted, as configured", () => {
		expect(decide({ retry_schedule: [1], on_exhausted: "dead_letter" }, 2, fail, now, 0.5)).toEqual({
			kind: "dead_letter",
		});
		expect(decide({ retry_schedule: [1], on_exhausted: "pause" }, 2, fail, now, 0.5)).toEqual({ kind: "pause" });
	});
});
