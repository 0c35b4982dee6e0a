/**
 * Why a request to a known source was refused, as the tenant sees it: the closed set of reason codes,
 * one hint per code, and the one mapping from the pipeline's refusals (and the verifiers' failure
 * reasons) to a recorded rejection. The public answer stays a bare 401; this record is for the
 * tenant's own API (`GET /v1/sources/{id}/rejections`).
 *
 * What a record holds is chosen so it can never leak a secret: header NAMES only (never values), no
 * body, no query string; the one header value kept is `User-Agent`, which names the sender
 * (`Mailroom/9.1`) and proves nothing. Every string is bounded, since unproven senders write them.
 */
import { z } from "zod";
import type { VerifyFailure } from "../verify/types";
import type { IngestRefusal } from "./outcome";

/** Every reason code a rejection may carry, with the one-line hint the tenant is shown for it. */
export const REJECTION_HINTS = {
	missing_signature:
		"The request carried no proof: make sure the provider is set to sign its webhooks (or send the token) with this source's secret.",
	signature_mismatch:
		"The signature does not match: the secret in hookfan and at the provider differ (copy it again into the provider's webhook settings), or something changed the body on the way.",
	token_mismatch:
		"The token sent is not this source's secret: copy the secret again into the provider's webhook settings.",
	bad_credentials:
		"The Authorization credentials do not match this source's secret: set the password at the provider to the secret again.",
	timestamp_malformed:
		"The signed timestamp is not Unix seconds: the sender does not sign the way this source's provider does.",
	timestamp_outside_tolerance:
		"The signed timestamp is too far from hookfan's clock (skew_seconds: positive is in the future): fix the sender's clock, or the request was delayed or replayed.",
	missing_client_id:
		"The source has no client_id, or not the sender's: set client_id on the source to the account id the provider signs with.",
	method_not_allowed:
		"The request used an HTTP method this source's provider never sends (see `allowed`): check the webhook's method setting.",
	unsupported_media_type:
		"The Content-Type is not the one this provider sends (see detail.expected): check the webhook's format setting at the provider.",
	malformed_body:
		"The body does not parse as the provider's format (JSON or form): check the webhook's format setting.",
	invalid_payload:
		"The request was authentic but not this provider's payload shape (see detail.issues): check that the source's provider is the one posting here.",
	body_too_large: "The body is larger than hookfan accepts (detail.limit_bytes).",
	event_too_large:
		"The payload was authentic but too large to store once normalized (detail.limit_bytes): send smaller payloads.",
} as const;

/** A rejection's reason code: the closed set of `REJECTION_HINTS`' keys. */
export type RejectionReason = keyof typeof REJECTION_HINTS;
export const RejectionReasonSchema = z.enum(Object.keys(REJECTION_HINTS) as [RejectionReason, ...RejectionReason[]]);

/** The hint shown for a reason. */
export function rejectionHint(reason: RejectionReason): string {
	return REJECTION_HINTS[reason];
}

const MAX_HEADER_NAMES = 40;
const MAX_ISSUES = 10;

/** Reason-specific facts, none of them from a secret or the body's values. */
export const RejectionDetailSchema = z.object({
	/** Signed timestamp minus hookfan's clock, in seconds: positive in the future, negative in the past. */
	skew_seconds: z.number().int().optional(),
	/** The media type this source expects. */
	expected: z.string().max(100).optional(),
	/** Where the payload did not fit, as `path: code` (paths and zod codes only, never values). */
	issues: z.array(z.string().max(200)).max(MAX_ISSUES).optional(),
	/** What did not parse, in fixed words (never the parser's message, which quotes the body). */
	message: z.string().max(200).optional(),
	limit_bytes: z.number().int().optional(),
	/** The methods this source's provider sends (for `method_not_allowed`), e.g. `POST, PUT`. */
	allowed: z.string().max(100).optional(),
});
export type RejectionDetail = z.infer<typeof RejectionDetailSchema>;

/** One refused request as recorded: what the tenant needs to fix its setup, and nothing secret. */
export const RejectionRecordSchema = z.object({
	/** When the request was refused (ISO 8601). */
	at: z.iso.datetime(),
	reason: RejectionReasonSchema,
	detail: RejectionDetailSchema,
	method: z.string().max(20),
	content_type: z.string().max(100).nullable(),
	/** The request's header names, lowercase and sorted; never a value. */
	header_names: z.array(z.string().max(100)).max(MAX_HEADER_NAMES),
	/** The body's size as read, or as declared by Content-Length when it was not read; null when unknown. */
	body_bytes: z.number().int().min(0).nullable(),
	/** The sender's User-Agent, which names it and proves nothing; cut to 200 characters. */
	user_agent: z.string().max(200).nullable(),
});
export type RejectionRecord = z.infer<typeof RejectionRecordSchema>;

/** What the pipeline knows of a refused request besides the refusal. */
export interface RefusedRequest {
	readonly method: string;
	readonly headers: Headers;
	/** Bytes read, or null when the body was not read. */
	readonly bodyBytes: number | null;
	/** Milliseconds since the epoch. */
	readonly now: number;
}

const cut = (value: string | null, max: number) => (value === null ? null : value.slice(0, max));

/** `data.items.0: invalid_type`: where and how, never the value. */
function issueSummary(issues: readonly { path: readonly PropertyKey[]; code: string }[]): string[] {
	return issues.slice(0, MAX_ISSUES).map((i) => {
		const path = i.path.map((p) => String(p)).join(".") || "(root)";
		return `${path}: ${i.code}`.slice(0, 200);
	});
}

const MEDIA_TYPES = { json: "application/json", form: "application/x-www-form-urlencoded" } as const;

/**
 * The reason and detail a refusal is recorded with, or null for outcomes that are not the sender's
 * doing (`unavailable`) or that name no source (`unknown_source`: nothing is recorded for it).
 * Exhaustive: a new refusal does not compile until it is mapped here.
 */
export function rejectionReason(refusal: IngestRefusal): { reason: RejectionReason; detail: RejectionDetail } | null {
	switch (refusal.kind) {
		case "unknown_source":
		case "unavailable":
			return null;
		case "method_not_allowed":
			return { reason: "method_not_allowed", detail: { allowed: refusal.allow.join(", ") } };
		case "body_too_large":
			return { reason: "body_too_large", detail: { limit_bytes: refusal.limitBytes } };
		case "envelope_too_large":
			return { reason: "event_too_large", detail: { limit_bytes: refusal.limitBytes } };
		case "unsupported_media_type":
			return { reason: "unsupported_media_type", detail: { expected: MEDIA_TYPES[refusal.format] } };
		case "malformed_body":
			// Only the wording before the colon: JSON.parse's own message quotes the body.
			return { reason: "malformed_body", detail: { message: (refusal.detail.split(":")[0] ?? "").slice(0, 200) } };
		case "invalid_payload":
			return { reason: "invalid_payload", detail: { issues: issueSummary(refusal.issues) } };
		case "unauthorized":
			return proofReason(refusal);
		default: {
			const unmapped: never = refusal;
			throw new Error(`unmapped ingest refusal: ${JSON.stringify(unmapped)}`);
		}
	}
}

/** A failed proof's reason code: the verifiers' reasons, in the tenant's words. */
function proofReason(failure: VerifyFailure): { reason: RejectionReason; detail: RejectionDetail } {
	switch (failure.reason) {
		case "missing_proof":
			return { reason: "missing_signature", detail: {} };
		case "bad_signature":
			return { reason: "signature_mismatch", detail: {} };
		case "bad_token":
			return { reason: "token_mismatch", detail: {} };
		case "bad_credentials":
			return { reason: "bad_credentials", detail: {} };
		case "bad_timestamp":
			return { reason: "timestamp_malformed", detail: {} };
		case "stale_timestamp":
			// The verifiers report the age (now minus the timestamp); the tenant reads a skew.
			return { reason: "timestamp_outside_tolerance", detail: { skew_seconds: -failure.ageSeconds || 0 } };
		case "missing_client_id":
			return { reason: "missing_client_id", detail: {} };
		default: {
			const unmapped: never = failure;
			throw new Error(`unmapped verify failure: ${JSON.stringify(unmapped)}`);
		}
	}
}

/** The record of a request refused for `reason`: bounded, and without a value that could be secret. */
export function rejectionRecord(
	request: RefusedRequest,
	reason: RejectionReason,
	detail: RejectionDetail = {},
): RejectionRecord {
	const names = [...new Set([...request.headers.keys()].map((n) => n.toLowerCase().slice(0, 100)))].sort();
	const declared = Number(request.headers.get("content-length") ?? Number.NaN);
	return {
		at: new Date(request.now).toISOString(),
		reason,
		detail,
		method: request.method.slice(0, 20),
		content_type: cut(request.headers.get("content-type"), 100),
		header_names: names.slice(0, MAX_HEADER_NAMES),
		body_bytes: request.bodyBytes ?? (Number.isSafeInteger(declared) && declared >= 0 ? declared : null),
		user_agent: cut(request.headers.get("user-agent"), 200),
	};
}
