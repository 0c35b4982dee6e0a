/**
 * Telerivet signs nothing. It proves a request with the shared secret in one of two places:
 * - HTTP Basic auth, username `telerivet`, password = the secret (Webhook objects);
 * - a `secret` form field equal to the secret (Webhook API services, per-message `status_url`s).
 * There is no timestamp and no HMAC, so a captured request can be replayed: dedupe on the message
 * id (and status) is what stops a replay from becoming a second event. The normalizer strips the
 * `secret` field so it is never stored or forwarded.
 *
 * Any proof the source accepts that is presented and wrong fails the request, even when the other
 * proof is right: a wrong Basic header next to a right form secret means someone holds half a
 * credential, and "the other one matched" must not become a way around a rotated secret.
 */
import { z } from "zod";
import { fromBase64, toBase64, utf8 } from "../crypto/bytes";
import { timingSafeEqual, timingSafeEqualText } from "../crypto/constant-time";
import { TELERIVET_SECRET_FIELD } from "../normalize/telerivet";
import { SourceBaseSchema } from "../schema/source";
import { failed, VERIFIED, type Verifier, type VerifyFailure, type VerifyInput } from "./types";

export const TelerivetSourceSchema = SourceBaseSchema.extend({
	provider: z.literal("telerivet"),
	/**
	 * Which proof to accept. `basic_or_form` takes either (each checked when present); `basic` and
	 * `form` narrow it for users who know which one their Telerivet object sends.
	 */
	verification: z.enum(["basic_or_form", "basic", "form"]).default("basic_or_form"),
});
export type TelerivetSource = z.infer<typeof TelerivetSourceSchema>;

/** The Basic auth username Telerivet's Webhook objects send. */
export const TELERIVET_USERNAME = "telerivet";

/** Builds the `Authorization` header value a Telerivet Webhook object sends for `secret`. */
export function telerivetBasicAuth(secret: string, username = TELERIVET_USERNAME): string {
	return `Basic ${toBase64(utf8(`${username}:${secret}`))}`;
}

const BASIC = /^basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i;

/** A presented proof's verdict: absent, or checked with a failure reason when wrong. */
type Check = "absent" | "ok" | VerifyFailure;

function checkBasic(headers: Headers, secret: string): Check {
	const header = headers.get("authorization")?.trim();
	if (!header) return "absent";
	// Any Authorization header is a claim of identity: one that is not a well-formed Basic
	// credential is a wrong proof, not an absent one.
	const encoded = BASIC.exec(header)?.[1];
	const presented = encoded === undefined ? null : fromBase64(encoded);
	if (presented === null) return { reason: "bad_credentials" };
	// Username and password are compared as one `user:pass` byte string, in constant time.
	const expected = utf8(`${TELERIVET_USERNAME}:${secret}`);
	return timingSafeEqual(presented, expected) ? "ok" : { reason: "bad_credentials" };
}

function checkForm(body: unknown, secret: string): Check {
	if (body === null || typeof body !== "object" || !Object.hasOwn(body, TELERIVET_SECRET_FIELD)) return "absent";
	const presented = (body as Record<string, unknown>)[TELERIVET_SECRET_FIELD];
	// A repeated field parses as an array: ambiguous, so it never passes.
	if (typeof presented !== "string") return { reason: "bad_token" };
	return timingSafeEqualText(presented, secret) ? "ok" : { reason: "bad_token" };
}

function proofsFor(input: VerifyInput, source: TelerivetSource): Check[] {
	switch (source.verification) {
		case "basic":
			return [checkBasic(input.headers, source.secret)];
		case "form":
			return [checkForm(input.body, source.secret)];
		case "basic_or_form":
			// Both are always computed, so timing does not tell which one was tried.
			return [checkBasic(input.headers, source.secret), checkForm(input.body, source.secret)];
	}
}

/** Verifies a Telerivet request by the proof(s) its source accepts. */
export const verifyTelerivet: Verifier<TelerivetSource> = async (input, source) => {
	const checks = proofsFor(input, source);
	const wrong = checks.find((c): c is VerifyFailure => typeof c === "object");
	if (wrong) return failed(wrong);
	return checks.includes("ok") ? VERIFIED : failed({ reason: "missing_proof" });
};
