/**
 * Voxsig (Chatwoot-compatible). Chatwoot from early 2026 signs every delivery:
 *
 *   X-Chatwoot-Signature: sha256=<hex HMAC-SHA256(secret, "{X-Chatwoot-Timestamp}.{raw body}")>
 *   X-Chatwoot-Timestamp: <unix seconds>
 *   X-Chatwoot-Delivery:  <uuid, the same on every retry>
 *
 * The timestamp is signed, so a captured request can only be replayed within `tolerance_seconds`;
 * the delivery id is not signed, and the normalizer only uses it as a dedupe key.
 * Whether Voxsig renamed these headers is unconfirmed, so every name is a per-source option.
 * Older Chatwoot signs nothing: those sources use `verification: "token"` (a `?token=` in the URL).
 */
import { z } from "zod";
import { concatBytes, toHex, utf8 } from "../crypto/bytes";
import { timingSafeEqualText } from "../crypto/constant-time";
import { hmacSha256 } from "../crypto/hmac";
import { CHATWOOT_DELIVERY_HEADER } from "../normalize/voxsig";
import { HeaderNameSchema, SourceBaseSchema, ToleranceSchema } from "../schema/source";
import { failed, VERIFIED, type Verifier } from "./types";

/** Chatwoot's header names, the defaults of a Voxsig source. */
export const VOXSIG_DEFAULT_HEADERS = {
	signature: "x-chatwoot-signature",
	timestamp: "x-chatwoot-timestamp",
	delivery: CHATWOOT_DELIVERY_HEADER,
} as const;

export const VoxsigSourceSchema = SourceBaseSchema.extend({
	provider: z.literal("voxsig"),
	verification: z.enum(["signature", "token"]).default("signature"),
	signature_header: HeaderNameSchema.default(VOXSIG_DEFAULT_HEADERS.signature),
	timestamp_header: HeaderNameSchema.default(VOXSIG_DEFAULT_HEADERS.timestamp),
	delivery_header: HeaderNameSchema.default(VOXSIG_DEFAULT_HEADERS.delivery),
	tolerance_seconds: ToleranceSchema,
});
export type VoxsigSource = z.infer<typeof VoxsigSourceSchema>;

const PREFIX = "sha256=";

/** Unix seconds, digits only: a sign, a fraction or an exponent is not a timestamp Chatwoot sends. */
const UNIX_SECONDS = /^\d{1,12}$/;

/**
 * Builds the signature header value Voxsig sends for `rawBody` at `timestamp`. The timestamp is
 * signed exactly as it appears in its header, and the body as its exact bytes: re-serializing
 * the parsed JSON would change whitespace or key order and break the proof.
 */
export async function signVoxsig(secret: string, timestamp: string | number, rawBody: Uint8Array): Promise<string> {
	const signed = concatBytes(utf8(`${timestamp}.`), rawBody);
	return PREFIX + toHex(await hmacSha256(utf8(secret), signed));
}

/** Verifies Voxsig's timestamped HMAC against the source's secret and header names. */
export const verifyVoxsig: Verifier<VoxsigSource> = async (input, source) => {
	const presented = input.headers.get(source.signature_header)?.trim();
	const timestamp = input.headers.get(source.timestamp_header)?.trim();
	if (!presented || !timestamp) return failed({ reason: "missing_proof" });
	if (!UNIX_SECONDS.test(timestamp)) return failed({ reason: "bad_timestamp" });

	// Both ways: a timestamp far in the future is as suspect as an old one (a clock set to let a
	// captured request live longer), and `now` is in milliseconds.
	const age = input.now / 1000 - Number(timestamp);
	if (Math.abs(age) > source.tolerance_seconds)
		return failed({ reason: "stale_timestamp", ageSeconds: Math.round(age) });

	const expected = await signVoxsig(source.secret, timestamp, input.rawBody);
	// Hex digits are case-insensitive; the `sha256=` prefix is compared along with them.
	return timingSafeEqualText(presented.toLowerCase(), expected) ? VERIFIED : failed({ reason: "bad_signature" });
};
