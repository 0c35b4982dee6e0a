/**
 * Measures the comparison every secret and signature goes through (src/crypto/constant-time.ts): its time
 * must not depend on where two inputs differ. Runs in Node, whose clock advances during computation
 * (workerd's does not). A naive early-exit comparison is measured the same way as a control, so the
 * test shows it could see a leak if there were one. See docs/hostile-input.md for the review.
 */
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { COMPARED_BYTES_FLOOR, timingSafeEqual } from "../../src/crypto/constant-time";

/** Large inputs make one comparison take tens of microseconds, far above the clock's noise. */
const SIZE = 64 * 1024;
const base = new Uint8Array(SIZE).fill(0x5a);
const differsFirst = base.slice();
differsFirst[0] = 0x5b;
const differsLast = base.slice();
differsLast[SIZE - 1] = 0x5b;
const equal = base.slice();

function naiveEqual(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}

type Compare = (a: Uint8Array, b: Uint8Array) => boolean;

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;

/**
 * Median time per call against each input, measured in interleaved rounds (so a burst of load on a
 * shared machine hits every input alike).
 */
function timings(compare: Compare, inputs: Uint8Array[], rounds = 60, reps = 10): number[] {
	let sink = 0;
	for (let i = 0; i < 200; i++) for (const input of inputs) sink += compare(base, input) ? 1 : 0; // warm up the JIT
	const samples = inputs.map(() => [] as number[]);
	for (let r = 0; r < rounds; r++) {
		for (const [i, input] of inputs.entries()) {
			const started = performance.now();
			for (let k = 0; k < reps; k++) sink += compare(base, input) ? 1 : 0;
			samples[i]?.push((performance.now() - started) / reps);
		}
	}
	expect(sink).toBeGreaterThanOrEqual(0); // keeps the results alive
	return samples.map(median);
}

describe("timingSafeEqual, measured", () => {
	it("takes as long when inputs differ at the first byte as at the last, or not at all", () => {
		const [first = 0, last = 1, same = 1] = timings(timingSafeEqual, [differsFirst, differsLast, equal]);
		for (const ratio of [first / last, first / same, last / same]) {
			expect(ratio, `first ${first} ms, last ${last} ms, equal ${same} ms`).toBeGreaterThan(0.7);
			expect(ratio, `first ${first} ms, last ${last} ms, equal ${same} ms`).toBeLessThan(1.4);
		}
	});

	it("takes as long against a 1-byte secret as against a 2,048-byte one (the length does not show)", () => {
		// What a sender presents stays the same; only the secret it is compared with changes length.
		const presented = new Uint8Array(64).fill(0x41);
		const secrets = [1, 16, 64, 512, COMPARED_BYTES_FLOOR].map((n) => new Uint8Array(n).fill(0x42));
		const swapped: Compare = (_base, secret) => timingSafeEqual(presented, secret);
		const times = timings(swapped, secrets, 60, 200);
		const [fastest, slowest] = [Math.min(...times), Math.max(...times)];
		expect(slowest / fastest, `ms per call by secret length: ${times.join(", ")}`).toBeLessThan(1.4);
	});

	it("would show a length leak: a comparison that stops at the shorter length is faster on short secrets", () => {
		const presented = new Uint8Array(COMPARED_BYTES_FLOOR).fill(0x41);
		const stopsAtShorter: Compare = (_base, secret) => {
			let diff = 0;
			for (let i = 0; i < Math.min(presented.length, secret.length); i++)
				diff |= (presented[i] as number) ^ (secret[i] as number);
			return diff === 0;
		};
		const secrets = [new Uint8Array(1), new Uint8Array(COMPARED_BYTES_FLOOR)];
		const [short = 1, long = 0] = timings(stopsAtShorter, secrets, 60, 200);
		expect(long / short, `1-byte secret ${short} ms, 2,048-byte secret ${long} ms`).toBeGreaterThan(3);
	});

	it("would show a leak: an early-exit comparison is measurably faster on an early difference", () => {
		const [first = 1, last = 0] = timings(naiveEqual, [differsFirst, differsLast]);
		expect(last / first, `first ${first} ms, last ${last} ms`).toBeGreaterThan(5);
	});
});
