/**
 * VoIPbin: `X-VoIPBIN-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>` (from Aug 2026, when a
 * secret is set). No timestamp and no event id are signed, so a captured request can be replayed:
 * dedupe on (type, id, tm_update) is what stops a replay from becoming a second event.
 * Older deployments sign nothing: those sources use `verification: "token"`.
 */
import { z } from "zod";
import { toHex, utf8 } from "../crypto/bytes";
import { timingSafeEqualText } from "../crypto/constant-time";
import { hmacSha256 } from "../crypto/hmac";
import { HeaderNameSchema, SourceBaseSchema } from "../schema/source";
import { failed, VERIFIED, type Verifier } from "./types";

export const VoipbinSourceSchema = SourceBaseSchema.extend({
	provider: z.literal("voipbin"),
	verification: z.enum(["signature", "token"]).default("signature"),
	signature_header: HeaderNameSchema.default("x-voipbin-signature"),
});
export type VoipbinSource = z.infer<typeof VoipbinSourceSchema>;

const PREFIX = "sha256=";

/** Builds the signature header value VoIPbin sends for `rawBody`. */
export async function signVoipbin(secret: string, rawBody: Uint8Array<ArrayBuffer>): Promise<string> {
	return PREFIX + toHex(await hmacSha256(utf8(secret), rawBody));
}

export const verifyVoipbin: Verifier<VoipbinSource> = async (input, source) => {
	const presented = input.headers.get(source.signature_header)?.trim();
	if (!presented) return failed({ reason: "missing_proof" });
	const expected = await signVoipbin(source.secret, new Uint8Array(input.rawBody));
	return timingSafeEqualText(presented.toLowerCase(), expected) ? VERIFIED : failed({ reason: "bad_signature" });
};
