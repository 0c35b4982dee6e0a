/**
 * The Standard Webhooks wire format, end to end, for both directions: the `whsec_` secret (its key is
 * the base64 after the prefix, decoded: not the text's bytes), and the signature
 * `webhook-signature: v1,<base64 HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")>`, with
 * several space-separated entries during a key rotation. Inbound verification
 * (src/verify/standardwebhooks.ts) checks with it; delivery (src/fanout/sign.ts) signs with it.
 */
import { z } from "zod";
import { concatBytes, fromBase64, toBase64, utf8 } from "./bytes";
import { timingSafeEqualText } from "./constant-time";
import { hmacSha256 } from "./hmac";

const WHSEC_PREFIX = "whsec_";

/** Bytes of key in a secret hookfan generates (the format allows 16 to 64). */
const GENERATED_KEY_BYTES = 32;

/** The key bytes of a `whsec_` secret, or null when it is not one (not base64, or not 16 to 64 bytes). */
export function whsecKey(secret: string): Uint8Array<ArrayBuffer> | null {
	if (!secret.startsWith(WHSEC_PREFIX)) return null;
	const key = fromBase64(secret.slice(WHSEC_PREFIX.length));
	return key && key.length >= 16 && key.length <= 64 ? key : null;
}

/** A string that is a valid `whsec_` secret. */
export const WhsecSchema = z
	.string()
	.refine((s) => whsecKey(s) !== null, "must be whsec_ followed by base64 of 16 to 64 bytes");

/** A fresh random `whsec_` secret (32 bytes of key). */
export function generateWhsecSecret(): string {
	return WHSEC_PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(GENERATED_KEY_BYTES)));
}

/** One `v1,<base64>` signature of `{id}.{timestamp}.{body}` under a key; `timestamp` in unix seconds. */
export async function standardSignature(
	key: Uint8Array<ArrayBuffer>,
	id: string,
	timestamp: number | string,
	body: Uint8Array,
): Promise<string> {
	const signed = concatBytes(utf8(`${id}.${timestamp}.`), body);
	return `v1,${toBase64(await hmacSha256(key, signed))}`;
}

/**
 * Whether any `v1,` entry of a `webhook-signature` header value is the signature of `{id}.{timestamp}.{body}`
 * under `key`. Checking the timestamp's age is the caller's part.
 */
export async function signatureMatches(
	key: Uint8Array<ArrayBuffer>,
	id: string,
	timestamp: string,
	body: Uint8Array,
	header: string,
): Promise<boolean> {
	const expected = await standardSignature(key, id, timestamp, body);
	// Check every presented entry, without stopping early, so timing does not reveal which matched.
	let match = false;
	for (const entry of header.split(" ")) {
		if (entry.startsWith("v1,") && timingSafeEqualText(entry, expected)) match = true;
	}
	return match;
}
