import { describe, expect, it } from "vitest";
import { utf8 } from "./bytes";
import { COMPARED_BYTES_FLOOR, timingSafeEqual, timingSafeEqualText } from "./constant-time";

describe("timingSafeEqual", () => {
	it("is true only for identical bytes", () => {
		expect(timingSafeEqual(utf8("secret"), utf8("secret"))).toBe(true);
		expect(timingSafeEqual(utf8("secret"), utf8("secreT"))).toBe(false);
		expect(timingSafeEqual(utf8("secret"), utf8("secret2"))).toBe(false);
		expect(timingSafeEqual(utf8(""), utf8(""))).toBe(true);
		expect(timingSafeEqual(utf8(""), utf8("x"))).toBe(false);
	});

	it("does not treat a prefix, or zero padding, as equal", () => {
		expect(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
		expect(timingSafeEqualText("abc", "ab")).toBe(false);
	});

	it("is exact for inputs longer than the floor, and for a difference in the last byte", () => {
		const long = new Uint8Array(COMPARED_BYTES_FLOOR + 100).fill(7);
		const last = long.slice();
		last[last.length - 1] = 8;
		expect(timingSafeEqual(long, long.slice())).toBe(true);
		expect(timingSafeEqual(long, last)).toBe(false);
		expect(timingSafeEqual(long, long.subarray(0, COMPARED_BYTES_FLOOR))).toBe(false);
	});
	// That its time depends neither on where inputs differ nor on the secret's length is measured in
	// Node, whose clock moves during computation: test/fuzz/constant-time.node.test.ts.
});
