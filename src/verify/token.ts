/**
 * The shared-token proof, for senders that sign nothing (RapidPro; older Voxsig and VoIPbin):
 * `Authorization: Token <secret>` or `Authorization: Bearer <secret>`, or `?token=<secret>` in the
 * URL for senders that cannot set headers.
 */
import { timingSafeEqualText } from "./crypto";
import { failed, VERIFIED, type VerifyInput, type VerifyResult } from "./types";

const AUTH_SCHEME = /^(?:token|bearer)\s+(.+)$/i;

/** Verifies a shared token against the source's secret. */
export async function verifyToken(input: VerifyInput, source: { secret: string }): Promise<VerifyResult> {
	const header = input.headers.get("authorization");
	const fromHeader = header ? AUTH_SCHEME.exec(header.trim())?.[1] : undefined;
	const presented = fromHeader ?? input.url.searchParams.get("token");
	if (presented === null || presented === undefined) return failed({ reason: "missing_proof" });
	return timingSafeEqualText(presented, source.secret) ? VERIFIED : failed({ reason: "bad_token" });
}
