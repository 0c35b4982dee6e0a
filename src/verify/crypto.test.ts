import { describe, expect, it } from "vitest";
import { COMPARED_BYTES_FLOOR, fromBase64, timingSafeEqual, timingSafeEqualText, toBase64, utf8 } from "./crypto";

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

	it("compares every byte instead of stopping at the first difference", () => {
		// A data-independent loop reads every index of the longer input; count reads to prove it.
		let reads = 0;
		// A plain array stands in for the bytes: typed arrays' getters refuse a Proxy receiver.
		const spy = new Proxy(new Array<number>(64).fill(0), {
			get(target, prop, receiver) {
				if (typeof prop === "string" && /^\d+$/.test(prop)) reads++;
				return Reflect.get(target, prop, receiver);
			},
		});
		const other = new Uint8Array(64).fill(255); // differs at index 0
		timingSafeEqual(spy as unknown as Uint8Array, other);
		expect(reads).toBe(COMPARED_BYTES_FLOOR);
	});

	it("reads as many bytes for a short secret as for a long one, so time does not tell a secret's length", () => {
		const readsAgainst = (secretLength: number, presentedLength: number) => {
			let reads = 0;
			const presented = new Proxy(new Array<number>(presentedLength).fill(1), {
				get(target, prop, receiver) {
					if (typeof prop === "string" && /^\d+$/.test(prop)) reads++;
					return Reflect.get(target, prop, receiver);
				},
			});
			timingSafeEqual(presented as unknown as Uint8Array, new Uint8Array(secretLength));
			return reads;
		};
		for (const presented of [0, 16, 200, COMPARED_BYTES_FLOOR]) {
			const counts = [1, 16, 64, 512, COMPARED_BYTES_FLOOR].map((secret) => readsAgainst(secret, presented));
			expect(new Set(counts), `presented ${presented} bytes`).toEqual(new Set([COMPARED_BYTES_FLOOR]));
		}
		// Beyond the floor, time follows what the sender presented, which it knows already.
		expect(readsAgainst(16, COMPARED_BYTES_FLOOR + 100)).toBe(COMPARED_BYTES_FLOOR + 100);
	});
});

describe("base64", () => {
	it("round-trips and rejects non-base64", () => {
		const bytes = new Uint8Array([0, 1, 254, 255]);
		expect(fromBase64(toBase64(bytes))).toEqual(bytes);
		expect(fromBase64("not base64!")).toBeNull();
	});
});
