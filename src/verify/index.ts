/** Runs the proof a source is configured for. */
import { verifyToken } from "./token";
import type { Verifier, VerifyInput, VerifyResult } from "./types";

/**
 * Verifies a request against its source with the provider's own proof (`verify`, from the registry
 * entry the caller looked up), or with the shared token when the source says `verification: "token"`.
 * A source set to signatures never falls back to a token, and a token source never accepts anything else.
 */
export function verifyRequest<S extends { readonly secret: string; readonly verification?: string }>(
	input: VerifyInput,
	source: S,
	verify: Verifier<S>,
): Promise<VerifyResult> {
	if (source.verification === "token") return verifyToken(input, source);
	return verify(input, source);
}
