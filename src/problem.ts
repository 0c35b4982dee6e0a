/**
 * One error shape for the whole API: RFC 9457 `application/problem+json` with a stable `code`.
 * Routes throw `problem(code)`, whose status and title come from `PROBLEM_CODES`; the app's single
 * `onError` renders it.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { log } from "./log";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/**
 * Every problem code hookfan answers with, and its status and title: the closed set clients may
 * match on. The title is the same for every occurrence of a code (RFC 9457); what differs goes in
 * `detail` or an extension such as `issues`.
 */
export const PROBLEM_CODES = {
	malformed_body: { status: 400, title: "The body could not be parsed" },
	invalid_payload: { status: 400, title: "The payload does not fit the provider's schema" },
	unauthorized: { status: 401, title: "Unauthorized" },
	not_found: { status: 404, title: "Not found" },
	// Ingest's one answer for an unknown tenant and an unknown source, so neither can be probed.
	unknown_source: { status: 404, title: "No such source" },
	method_not_allowed: { status: 405, title: "Method not allowed" },
	tenant_exists: { status: 409, title: "A tenant with this id exists" },
	// rotate-secret while the most secrets that may sign at once already do; `retry_at` says when one expires.
	rotation_limit: { status: 409, title: "Too many secrets are signing at once" },
	// A poll on a webhook subscription, or a webhook-only action (pause, replay, rotate-secret, attempts) on a polling one.
	wrong_subscription_type: { status: 409, title: "The operation does not apply to this type of subscription" },
	payload_too_large: { status: 413, title: "Payload too large" },
	unsupported_media_type: { status: 415, title: "Unsupported content type" },
	validation_failed: { status: 422, title: "The request does not fit the schema" },
	invalid_cursor: { status: 422, title: "The cursor is not one this API gave out" },
	invalid_target: { status: 422, title: "The subscriber URL is not allowed" },
	// An `event_types` entry no event can match (a typo); `did_you_mean` lists the closest known types.
	unknown_event_type: { status: 422, title: "An event type in event_types never occurs" },
	// A source for a provider that generates its own secret, created without it; `detail` says where to copy it from.
	secret_required: { status: 422, title: "This provider's secret must be given" },
	internal_error: { status: 500, title: "Internal server error" },
	admin_token_unset: { status: 503, title: "Admin API disabled" },
	unavailable: { status: 503, title: "Temporarily unable to accept events" },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;
export type ProblemCode = keyof typeof PROBLEM_CODES;

/** The problem+json body: RFC 9457 members, plus `code` and any extensions (`detail`, `issues`, ...). */
export interface ProblemBody {
	type: string;
	title: string;
	status: number;
	code: ProblemCode;
	detail?: string;
	[extension: string]: unknown;
}

/** An expected failure with its HTTP rendering. Throwing one is not a bug; anything else is. */
export class Problem extends Error {
	readonly status: ContentfulStatusCode;

	constructor(
		readonly code: ProblemCode,
		readonly extensions: Record<string, unknown> = {},
		readonly headers: Record<string, string> = {},
	) {
		super(PROBLEM_CODES[code].title);
		this.status = PROBLEM_CODES[code].status;
	}

	toBody(): ProblemBody {
		return {
			type: `https://hookfan.dev/problems/${this.code}`,
			title: PROBLEM_CODES[this.code].title,
			status: this.status,
			code: this.code,
			...this.extensions,
		};
	}
}

/**
 * The problem for `code`: its status and title come from `PROBLEM_CODES`. `extensions` adds members
 * (`detail`, `issues`); `headers` adds response headers (`retry-after`, `allow`, `www-authenticate`).
 */
export function problem(
	code: ProblemCode,
	extensions: Record<string, unknown> = {},
	headers: Record<string, string> = {},
): Problem {
	return new Problem(code, extensions, headers);
}

/** Renders a problem as the response. */
export function renderProblem(p: Problem): Response {
	return new Response(JSON.stringify(p.toBody()), {
		status: p.status,
		headers: { "content-type": PROBLEM_CONTENT_TYPE, ...p.headers },
	});
}

/** The app's `onError`: problems render as themselves; anything else is a bug, logged and a bare 500. */
export function onError(err: Error, c: Context): Response {
	if (err instanceof Problem) return renderProblem(err);
	// Hono's own validators throw these for malformed JSON or a missing content type: client errors.
	if (err instanceof HTTPException && err.status < 500) {
		if (err.status === 415) {
			const given = c.req.header("content-type") || "no content type";
			return renderProblem(
				problem("unsupported_media_type", {
					detail: `This route accepts application/json; the request has ${given.slice(0, 100)}.`,
				}),
			);
		}
		return renderProblem(problem("malformed_body", err.message ? { detail: err.message } : {}));
	}
	log("error", "unhandled error", { path: c.req.path, error: String(err?.stack ?? err) });
	return renderProblem(problem("internal_error"));
}

/** Largest management API body, in bytes; larger ones get 413 before anything parses them. */
export const MAX_API_BODY_BYTES = 64 * 1024;

/** The one 404 of the management API: another tenant's ids are not found either. */
export const notFound = () => problem("not_found");
