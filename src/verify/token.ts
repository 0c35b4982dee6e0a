/**
 * The shared-token proof, for senders that sign nothing (RapidPro; older Voxsig and VoIPbin):
 * `Authorization: Token <secret>` or `Authorization: Bearer <secret>`, HTTP Basic auth with the secret
 * as password (any user name), or `?token=<secret>` in the URL for senders that cannot set headers.
 */
import { timingSafeEqualText } from "../crypto/constant-time";
import { failed, VERIFIED, type VerifyInput, type VerifyResult } from "./types";

const AUTH_SCHEME = /^(token|bearer|basic)\s+(.+)$/i;

/** The password of a Basic credential, or null when it does not decode. */
function basicPassword(encoded: string): string | null {
	try {
		const decoded = atob(encoded);
		const colon = decoded.indexOf(":");
		return colon === -1 ? null : decoded.slice(colon + 1);
	} catch {
		return null;
	}
}

/** The token the request presents, from the Authorization header first, else the URL. */
function presentedToken(input: VerifyInput): string | null {
	const header = input.headers.get("authorization");
	const match = header ? AUTH_SCHEME.exec(header.trim()) : null;
	if (match) {
		const [, scheme = "", value = ""] = match;
		return scheme.toLowerCase() === "basic" ? basicPassword(value) : value;
	}
	return input.url.searchParams.get("token");
}

/** Verifies a shared token against the source's secret. */
export async function verifyToken(input: VerifyInput, source: { secret: string }): Promise<VerifyResult> {
	const presented = presentedToken(input);
	if (presented === null) return failed({ reason: "missing_proof" });
	return timingSafeEqualText(presented, source.secret) ? VERIFIED : failed({ reason: "bad_token" });
}
