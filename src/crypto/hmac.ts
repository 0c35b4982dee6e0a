/** HMAC and digests over Web Crypto, for proofs in both directions (verifying and signing). */
import { toHex } from "./bytes";

/** HMAC-SHA256 of `message` under `key`: 32 bytes. */
export async function hmacSha256(key: Uint8Array<ArrayBuffer>, message: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
	const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
	return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, message));
}

/** SHA-256 of some bytes, as lowercase hex (64 characters). */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
	return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
}
