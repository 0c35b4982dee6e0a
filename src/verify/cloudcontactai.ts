/**
 * CloudContactAI (CCAI): `X-CCAI-Signature: Base64(HMAC-SHA256(secret, "{clientId}:{eventHash}"))`,
 * where `eventHash` is a field of the JSON body and the clientId is the customer's CCAI account id,
 * which the request never carries: it lives in the source's configuration.
 *
 * Known weakness: the body itself is not signed. Whoever captured one signed request can send it
 * again with a different body and the same `eventHash`, and the signature still holds. Dedupe keys
 * on `eventHash`, so within the dedupe window such a request is at worst a duplicate of the original.
 *
 * An older SDK compared a hex HMAC-SHA256 of the raw body in the same header. Whether any CCAI server
 * still sends that is UNCONFIRMED, so it is accepted only when the source opts in (`legacy_body_hmac`),
 * and then alongside the eventHash scheme, never instead of it.
 */
import { z } from "zod";
import { toBase64, toHex, utf8 } from "../crypto/bytes";
import { timingSafeEqualText } from "../crypto/constant-time";
import { hmacSha256 } from "../crypto/hmac";
import { SourceBaseSchema } from "../schema/source";
import { failed, VERIFIED, type Verifier } from "./types";

export const CloudcontactaiSourceSchema = SourceBaseSchema.extend({
	provider: z.literal("cloudcontactai"),
	/**
	 * `"signature"` (the eventHash proof) unless the account sends unsigned webhooks: some send neither
	 * `X-CCAI-Signature` nor `eventHash` (a captured 2025 request, CloudContactAI/CCAI.NET README), and
	 * those can only be proven by the shared token, a weaker proof (see docs/providers.md).
	 */
	verification: z.enum(["signature", "token"]).default("signature"),
	/** The CCAI client (account) id: part of the signed string, never part of the request. A token source needs none. */
	client_id: z.string().min(1).optional(),
	/** Also accept the older SDK's hex HMAC-SHA256 of the raw body (UNCONFIRMED that servers send it). */
	legacy_body_hmac: z.boolean().default(false),
}).refine((s) => s.verification === "token" || s.client_id !== undefined, {
	path: ["client_id"],
	message: "required unless verification is token: the signature covers it",
});
export type CloudcontactaiSource = z.infer<typeof CloudcontactaiSourceSchema>;

/** The header CCAI puts its signature in (Headers lookups are case-insensitive). */
export const CCAI_SIGNATURE_HEADER = "x-ccai-signature";

/** Builds the `X-CCAI-Signature` value CCAI sends for an event with `eventHash`. */
export async function signCloudcontactai(secret: string, clientId: string, eventHash: string): Promise<string> {
	return toBase64(await hmacSha256(utf8(secret), utf8(`${clientId}:${eventHash}`)));
}

/** Builds the older SDK's signature: lowercase hex HMAC-SHA256 of the raw body. */
export async function signCloudcontactaiLegacy(secret: string, rawBody: Uint8Array<ArrayBuffer>): Promise<string> {
	return toHex(await hmacSha256(utf8(secret), rawBody));
}

/** The body's `eventHash`, when it is a non-empty string (the only form the SDKs know). */
function eventHashOf(body: unknown): string | null {
	if (body === null || typeof body !== "object" || Array.isArray(body)) return null;
	const value = (body as Record<string, unknown>).eventHash;
	return typeof value === "string" && value !== "" ? value : null;
}

export const verifyCloudcontactai: Verifier<CloudcontactaiSource> = async (input, source) => {
	const presented = input.headers.get(CCAI_SIGNATURE_HEADER)?.trim();
	if (!presented) return failed({ reason: "missing_proof" });
	const eventHash = eventHashOf(input.body);

	// Both checks run in full whatever the first one says, so timing tells nothing about which matched.
	let matched = false;
	if (source.client_id === undefined) return failed({ reason: "missing_client_id" });
	if (eventHash !== null) {
		const expected = await signCloudcontactai(source.secret, source.client_id, eventHash);
		// Base64 is case-sensitive: compared exactly.
		matched = timingSafeEqualText(presented, expected);
	}
	if (source.legacy_body_hmac) {
		const expected = await signCloudcontactaiLegacy(source.secret, new Uint8Array(input.rawBody));
		matched = timingSafeEqualText(presented.toLowerCase(), expected) || matched;
	}
	if (matched) return VERIFIED;
	// Without an eventHash the eventHash scheme had nothing to check: unless the legacy body proof was
	// tried (and failed), the request carried no usable proof at all.
	return eventHash === null && !source.legacy_body_hmac
		? failed({ reason: "missing_proof" })
		: failed({ reason: "bad_signature" });
};
