/** Chooses and runs the proof a source is configured for. */
import { providerOf, type SourceConfig } from "../providers";
import { verifyToken } from "./token";
import type { VerifyInput, VerifyResult } from "./types";

/**
 * Verifies a request against its source. The proof is the one the source states: a source set to
 * signatures never falls back to a token, and a token source never accepts anything else.
 */
export function verifyRequest(input: VerifyInput, source: SourceConfig): Promise<VerifyResult> {
	if ("verification" in source && source.verification === "token") return verifyToken(input, source);
	return providerOf(source).verify(input, source);
}
