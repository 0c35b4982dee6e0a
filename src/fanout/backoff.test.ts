import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_SCHEDULE, MAX_DELAY_MS, nextDelayMs, parseRetryAfter } from "./backoff";

describe("nextDelayMs", () => {
	it("follows the schedule with no jitter at the midpoint", () => {
		expect(DEFAULT_RETRY_SCHEDULE.map((_, i) => nextDelayMs(DEFAULT_RETRY_SCHEDULE, i + 1, 0.5))).toEqual([
			5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
		]);
	});

	it("adds up to about 28 hours across the default schedule", () => {
		const total = DEFAULT_RETRY_SCHEDULE.reduce((s, d) => s + d, 0);
		expect(total / 3600).toBeCloseTo(27.6, 1);
	});

	it("jitters by at most 20 % either way", () => {
		expect(nextDelayMs([100], 1, 0)).toBe(80_000);
		expect(nextDelayMs([100], 1, 0.999_999)).toBe(120_000);
	});

	it("is exhausted after the last delay", () => {
		expect(nextDelayMs([1, 2], 2, 0.5)).toBe(2000);
		expect(nextDelayMs([1, 2], 3, 0.5)).toBeNull();
	});

	it("never waits less than Retry-After, nor more than 24 hours", () => {
		expect(nextDelayMs([1], 1, 0.5, 30_000)).toBe(30_000);
		expect(nextDelayMs([1], 1, 0.5, 500)).toBe(1000);
		expect(nextDelayMs([86_400], 1, 0.999, 0)).toBe(MAX_DELAY_MS);
	});
});

describe("parseRetryAfter", () => {
	const now = Date.parse("2026-11-23T12:00:00Z");

	it("reads delay-seconds", () => {
		expect(parseRetryAfter("120", now)).toBe(120_000);
		expect(parseRetryAfter(" 0 ", now)).toBe(0);
	});

	it("reads an HTTP date relative to now, and a past date as now", () => {
		expect(parseRetryAfter("Mon, 23 Nov 2026 12:01:30 GMT", now)).toBe(90_000);
		expect(parseRetryAfter("Mon, 23 Nov 2026 11:00:00 GMT", now)).toBe(0);
	});

	it("caps at 24 hours", () => {
		expect(parseRetryAfter("999999", now)).toBe(MAX_DELAY_MS);
		expect(parseRetryAfter("Fri, 01 Jan 2027 00:00:00 GMT", now)).toBe(MAX_DELAY_MS);
	});

	it("ignores what it cannot read", () => {
		expect(parseRetryAfter(null, now)).toBeNull();
		expect(parseRetryAfter("soon", now)).toBeNull();
		expect(parseRetryAfter("-5", now)).toBeNull();
	});
});
