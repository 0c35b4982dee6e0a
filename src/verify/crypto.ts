/**
 * Byte-level helpers for proofs: HMAC, encodings and constant-time comparison.
 * Every secret or signature comparison in hookfan goes through `timingSafeEqual`.
 */

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array<ArrayBuffer> {
	// encode() always returns a fresh ArrayBuffer-backed array; the DOM types just do not say so.
	return encoder.encode(text) as Uint8Array<ArrayBuffer>;
}

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

/** HMAC-SHA256 of `message` under `key`. */
export async function hmacSha256(key: Uint8Array<ArrayBuffer>, message: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
	const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
	return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, message));
}

/** Joins byte arrays, e.g. a signed prefix and the raw body, without decoding the body. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let offset = 0;
	for (const part of parts) {
		out.set(part, offset);
		offset += part.length;
	}
	return out;
}

export function toHex(bytes: Uint8Array): string {
	let hex = "";
	for (const b of bytes) hex += b.toString(16).padStart(2, "0");
	return hex;
}

export function toBase64(bytes: Uint8Array): string {
	let binary = "";
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary);
}

/** Decodes standard base64; null when the text is not base64. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
	try {
		const binary = atob(text);
		const out = new Uint8Array(binary.length);
		for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
		return out;
	} catch {
		return null;
	}
}

/** SHA-256 of some bytes, as lowercase hex. */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
	return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
}
