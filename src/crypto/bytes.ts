/**
 * Byte encodings every stage shares: UTF-8, hex, base64 and joining byte arrays. Neutral: it imports
 * nothing from hookfan, so ingest, delivery and the API may all use it.
 */

const encoder = new TextEncoder();

/** The UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
	// encode() always returns a fresh ArrayBuffer-backed array; the DOM types just do not say so.
	return encoder.encode(text) as Uint8Array<ArrayBuffer>;
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

/** Lowercase hex, two digits per byte. */
export function toHex(bytes: Uint8Array): string {
	let hex = "";
	for (const b of bytes) hex += b.toString(16).padStart(2, "0");
	return hex;
}

/** Standard base64 (with padding). */
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
