/**
 * One error shape for the whole API: RFC 9457 `application/problem+json` with a stable `code`.
 * Routes throw `Problem` (or return `problem(...)`); the app's single `onError` renders it.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { log } from "./log";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export interface ProblemBody {
	type: string;
	title: string;
	status: number;
	code: string;
	detail?: string;
	[extension: string]: unknown;
}

/** An expected failure with its HTTP rendering. Throwing one is not a bug; anything else is. */
export class Problem extends Error {
	constructor(
		readonly status: ContentfulStatusCode,
		readonly code: string,
		readonly title: string,
		readonly extensions: Record<string, unknown> = {},
		readonly headers: Record<string, string> = {},
	) {
		super(title);
	}

	toBody(): ProblemBody {
		return {
			type: `https://hookfan.dev/problems/${this.code}`,
			title: this.title,
			status: this.status,
			code: this.code,
			...this.extensions,
		};
	}
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
				new Problem(415, "unsupported_media_type", "Unsupported content type", {
					detail: `This route accepts application/json; the request has ${given.slice(0, 100)}.`,
				}),
			);
		}
		return renderProblem(new Problem(err.status, "malformed_body", err.message || "Bad request"));
	}
	log("error", "unhandled error", { path: c.req.path, error: String(err?.stack ?? err) });
	return renderProblem(new Problem(500, "internal_error", "Internal server error"));
}

/** Largest management API body, in bytes; larger ones get 413 before anything parses them. */
export const MAX_API_BODY_BYTES = 64 * 1024;

export const notFound = () => new Problem(404, "not_found", "Not found");
