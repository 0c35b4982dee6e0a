/**
 * What can become of a request to `/in/{tenant}/{source}`, and the one mapping of each outcome to
 * what the provider sees: a 200 with the event id, or a problem+json refusal.
 */
import type { z } from "zod";
import type { BodyFormat } from "../normalize/body";
import { type Problem, problem, renderProblem } from "../problem";
import type { VerifyFailure } from "../verify/types";

/** The request's event is held durably: new (`accepted`) or already held (`duplicate`). */
export type IngestSuccess =
	| { kind: "accepted"; id: string; sequence: number | null; via: "log" | "queue" }
	| { kind: "duplicate"; id: string; sequence: number | null };

/** Why a request was refused. Each maps to exactly one problem code in `refusalProblem`. */
export type IngestRefusal =
	/** No such tenant or source, or an id that cannot be one: one answer, so neither can be probed. */
	| { kind: "unknown_source" }
	/** A method the source's provider never sends (HEAD and OPTIONS included); `allow` lists those it does. */
	| { kind: "method_not_allowed"; allow: readonly string[] }
	/** The body is over `limitBytes` (declared in Content-Length or as read). */
	| { kind: "body_too_large"; limitBytes: number }
	| { kind: "unsupported_media_type"; format: BodyFormat }
	/** Not UTF-8, not JSON, or nested too deep; `detail` says which. */
	| { kind: "malformed_body"; detail: string }
	/** The proof failed; `reason` (and `ageSeconds`) is for logs and the tenant's rejection log, never for the client. */
	| ({ kind: "unauthorized" } & VerifyFailure)
	/** Authentic, but not the provider's payload shape. */
	| { kind: "invalid_payload"; issues: z.core.$ZodIssue[] }
	/** Normalized, the envelope is over `limitBytes`, more than the log can store. */
	| { kind: "envelope_too_large"; limitBytes: number }
	/** Neither the tenant's log nor the EVENTS queue could take the event: the provider should retry. */
	| { kind: "unavailable" };

export type IngestOutcome = IngestSuccess | IngestRefusal;

const MEDIA_TYPES: Record<BodyFormat, string> = {
	json: "application/json",
	form: "application/x-www-form-urlencoded",
};

/** The problem a refusal renders as. Exhaustive: a new refusal does not compile until it is mapped. */
export function refusalProblem(refusal: IngestRefusal): Problem {
	switch (refusal.kind) {
		case "unknown_source":
			return problem("unknown_source");
		case "method_not_allowed":
			return problem("method_not_allowed", {}, { allow: refusal.allow.join(", ") });
		case "body_too_large":
			return problem("payload_too_large", { detail: `The body is larger than ${refusal.limitBytes} bytes.` });
		case "unsupported_media_type":
			return problem("unsupported_media_type", {
				detail: `This source expects ${MEDIA_TYPES[refusal.format]}.`,
			});
		case "malformed_body":
			return problem("malformed_body", { detail: refusal.detail });
		case "unauthorized":
			// Say nothing about which check failed.
			return problem("unauthorized");
		case "invalid_payload":
			return problem("invalid_payload", { issues: refusal.issues });
		case "envelope_too_large":
			return problem("payload_too_large", { detail: `Normalized, this event is over ${refusal.limitBytes} bytes.` });
		case "unavailable":
			return problem("unavailable", {}, { "retry-after": "30" });
		default: {
			const unmapped: never = refusal;
			throw new Error(`unmapped ingest refusal: ${JSON.stringify(unmapped)}`);
		}
	}
}

/** The HTTP answer for an outcome: 200 `{id, duplicate}` once the event is held, else its problem. */
export function ingestResponse(outcome: IngestOutcome): Response {
	switch (outcome.kind) {
		case "accepted":
		case "duplicate":
			return Response.json({ id: outcome.id, duplicate: outcome.kind === "duplicate" }, { status: 200 });
		default:
			return renderProblem(refusalProblem(outcome));
	}
}
