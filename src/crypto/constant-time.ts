/**
 * Constant-time comparison. Every secret or signature comparison in hookfan (provider proofs, API
 * keys, the admin token) goes through `timingSafeEqual`.
 */
import { utf8 } from "./bytes";

/**
 * Every comparison covers at least this many bytes: the UTF-8 size of the longest secret a source may
 * hold (512 characters). So the time does not reveal a secret's length either, only the length of
 * what was presented when that is longer.
 */
export const COMPARED_BYTES_FLOOR = 512 * 4;

/** Constant-time equality: the time taken depends only on the lengths, never on where bytes differ. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
	// Both sides zero-padded to one size, at least the floor: neither a length mismatch nor a short secret
	// makes the loop end sooner, and every read is in bounds (an out-of-bounds read takes a slower path
	// in the engine, whose cost would follow the shorter side's length).
	const length = Math.max(a.length, b.length, COMPARED_BYTES_FLOOR);
	const left = new Uint8Array(length);
	const right = new Uint8Array(length);
	left.set(a);
	right.set(b);
	let diff = a.length ^ b.length;
	for (let i = 0; i < length; i++) diff |= (left[i] as number) ^ (right[i] as number);
	return diff === 0;
}

/** Constant-time comparison of two strings by their UTF-8 bytes. */
export function timingSafeEqualText(a: string, b: string): boolean {
	return timingSafeEqual(utf8(a), utf8(b));
}
