/**
 * Standard Webhooks (any sender that signs with it, including another hookfan): the signature over
 * `{webhook-id}.{webhook-timestamp}.{body}` (src/crypto/standard-webhooks.ts owns the format), with
 * the timestamp checked against the source's tolerance.
 */
import { z } from "zod";
import { signatureMatches, WhsecSchema, whsecKey } from "../crypto/standard-webhooks";
import { SourceBaseSchema, ToleranceSchema } from "../schema/source";
import { failed, VERIFIED, type Verifier } from "./types";

export const StandardWebhooksSourceSchema = SourceBaseSchema.extend({
	provider: z.literal("standardwebhooks"),
	secret: WhsecSchema,
	verification: z.literal("signature").default("signature"),
	tolerance_seconds: ToleranceSchema,
});
export type StandardWebhooksSource = z.infer<typeof StandardWebhooksSourceSchema>;

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
	return (await signatureMatches(key, id, timestamp, input.rawBody, signatures))
		? VERIFIED
		: failed({ reason: "bad_signature" });
};
