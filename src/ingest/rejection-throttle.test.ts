import { describe, expect, it } from "vitest";
import { MAX_SAMPLES } from "../fanout/rejection-log";
import { rejectionRecord } from "./rejection";
import { REPORT_INTERVAL_MS, RejectionThrottle } from "./rejection-throttle";

const record = (now: number) =>
	rejectionRecord({ method: "POST", headers: new Headers(), bodyBytes: 1, now }, "signature_mismatch");

describe("RejectionThrottle", () => {
	it("reports the first refusal at once and holds the rest for one report when the interval ends", () => {
		const throttle = new RejectionThrottle();
		expect(throttle.offer("t/vb", "vb", record(0), 0)).toMatchObject({ send: { counts: { signature_mismatch: 1 } } });
		expect(throttle.offer("t/vb", "vb", record(10), 10)).toEqual({ flushInMs: REPORT_INTERVAL_MS - 10 });
		for (let i = 0; i < 198; i++) expect(throttle.offer("t/vb", "vb", record(20 + i), 20 + i)).toBeNull();
		const held = throttle.take("t/vb", "vb", REPORT_INTERVAL_MS);
		expect(held?.counts).toEqual({ signature_mismatch: 199 });
		expect(held?.samples).toHaveLength(MAX_SAMPLES);
		expect(held?.samples.at(-1)?.at).toBe(new Date(217).toISOString()); // the latest kept
		expect(throttle.take("t/vb", "vb", REPORT_INTERVAL_MS)).toBeNull();
	});

	it("makes at most one report per interval per source, so 10 a minute under any flood", () => {
		const throttle = new RejectionThrottle();
		let reports = 0;
		let flushAt: number | null = null;
		for (let now = 0; now < 60_000; now += 7) {
			if (flushAt !== null && now >= flushAt) {
				if (throttle.take("t/vb", "vb", now)) reports++;
				flushAt = null;
			}
			const step = throttle.offer("t/vb", "vb", record(now), now);
			if (step && "send" in step) reports++;
			if (step && "flushInMs" in step) flushAt = now + step.flushInMs;
		}
		expect(reports).toBeLessThanOrEqual(60_000 / REPORT_INTERVAL_MS);
		expect(reports).toBeGreaterThanOrEqual(60_000 / REPORT_INTERVAL_MS - 1);
	});

	it("keeps sources apart, and takes over from a flush that never ran", () => {
		const throttle = new RejectionThrottle();
		expect(throttle.offer("t/a", "a", record(0), 0)).toHaveProperty("send");
		expect(throttle.offer("t/b", "b", record(0), 0)).toHaveProperty("send");
		expect(throttle.offer("t/a", "a", record(1), 1)).toHaveProperty("flushInMs");
		expect(throttle.offer("t/a", "a", record(2), 2)).toBeNull();
		// The flush was due at 6 s and never came: a refusal long after sends everything held.
		const late = throttle.offer("t/a", "a", record(20_000), 20_000);
		expect(late).toMatchObject({ send: { counts: { signature_mismatch: 3 } } });
	});
});
