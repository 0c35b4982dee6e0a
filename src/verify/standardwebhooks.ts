/**
 * Standard Webhooks (any sender that signs with it, including another hookfan):
 * `webhook-signature: v1,<base64 HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")>`, several
 * space-separated entries during a key rotation, with the timestamp checked against a tolerance.
 * The key is the base64 after `whsec_`, decoded: unlike the other providers, not the text's bytes.
 * Delivery signs with the same function (src/fanout/sign.ts), so both directions share one definition.
 */
import { z } from "zod";
import { concatBytes, fromBase64, toBase64, utf8 } from "../crypto/bytes";
import { timingSafeEqualText } from "../crypto/constant-time";
import { hmacSha256 } from "../crypto/hmac";
import { SourceBaseSchema, ToleranceSchema } from "../schema/source";
import { failed, VERIFIED, type Verifier } from "./types";

const WHSEC_PREFIX = "whsec_";

/** The key bytes of a `whsec_` secret, or null when it is not one. */
export function whsecKey(secret: string): Uint8Array<ArrayBuffer> | null {
	if (!secret.startsWith(WHSEC_PREFIX)) return null;
	const key = fromBase64(secret.slice(WHSEC_PREFIX.length));
	return key && key.length >= 16 && key.length <= 64 ? key : null;
}

export const WhsecSchema = z
	.string()
	.refine((s) => whsecKey(s) !== null, "must be whsec_ followed by base64 of 16 to 64 bytes");

export const StandardWebhooksSourceSchema = SourceBaseSchema.extend({
	provider: z.literal("standardwebhooks"),
	secret: WhsecSchema,
	verification: z.literal("signature").default("signature"),
	tolerance_seconds: ToleranceSchema,
});
export type StandardWebhooksSource = z.infer<typeof StandardWebhooksSourceSchema>;

/** One `v1,<base64>` signature of `{id}.{timestamp}.{body}` under a key. */
export async function standardSignature(
	key: Uint8Array<ArrayBuffer>,
	id: string,
	timestamp: number | string,
	body: Uint8Array,
): Promise<string> {
	const signed = concatBytes(utf8(`${id}.${timestamp}.`), body);
	return `v1,${toBase64(await hmacSha256(key, signed))}`;
}

export const verifyStandardWebhooks: Verifier<StandardWebhooksSource> = async (input, source) => {
	const id = input.headers.get("webhook-id");
	const timestamp = input.headers.get("webhook-timestamp");
	const signatures = input.headers.get("webhook-signature");
	if (!id || !timestamp || !signatures) return failed({ reason: "missing_proof" });
	if (!/^\d{1,12}$/.test(timestamp)) return failed({ reason: "bad_timestamp" });
	// Compared before rounding: a timestamp 300.6 s away is outside a 300 s tolerance.
	const age = input.now / 1000 - Number(timestamp);
	if (Math.abs(age) > source.tolerance_seconds)
		return failed({ reason: "stale_timestamp", ageSeconds: Math.round(age) });

	const key = whsecKey(source.secret);
	if (!key) return failed({ reason: "bad_signature" });
	const expected = await standardSignature(key, id, timestamp, input.rawBody);
	// Check every presented entry, without stopping early, so timing does not reveal which matched.
	let match = false;
	for (const entry of signatures.split(" ")) {
		if (entry.startsWith("v1,") && timingSafeEqualText(entry, expected)) match = true;
	}
	return match ? VERIFIED : failed({ reason: "bad_signature" });
};
