/** What a subscriber's answer means for the delivery. Pure: status and headers in, decision out. */
import { parseRetryAfter } from "./backoff";

/** Why an attempt failed, as recorded in the attempt log. */
export type ErrorClass = "timeout" | "network" | "redirect" | "http_status" | "gone";

export type Classification =
	| { outcome: "delivered" }
	| { outcome: "gone" }
	| { outcome: "retry"; error: ErrorClass; retryAfterMs: number | null };

/** Classifies an HTTP answer. Redirects are failures: a subscriber URL must be the final URL. */
export function classifyResponse(status: number, headers: Headers, now: number): Classification {
	if (status >= 200 && status < 300) return { outcome: "delivered" };
	if (status === 410) return { outcome: "gone" };
	if (status >= 300 && status < 400) return { outcome: "retry", error: "redirect", retryAfterMs: null };
	const honoursRetryAfter = status === 429 || status === 503;
	return {
		outcome: "retry",
		error: "http_status",
		retryAfterMs: honoursRetryAfter ? parseRetryAfter(headers.get("retry-after"), now) : null,
	};
}

/** Classifies a fetch that threw: our timeout fired, or the connection failed. */
export function classifyError(err: unknown): Classification {
	const name = err instanceof Error ? err.name : "";
	const timedOut = name === "TimeoutError" || name === "AbortError";
	return { outcome: "retry", error: timedOut ? "timeout" : "network", retryAfterMs: null };
}

/** How many bytes of a failed answer's body are kept to describe it. */
export const ANSWER_PREFIX_BYTES = 200;
/** The longest error text an attempt row keeps. */
export const MAX_ERROR_TEXT = 300;

/**
 * Cloudflare answers these itself when it could not reach the subscriber's origin. The words say what
 * happened (https://developers.cloudflare.com/support/troubleshooting/http-status-codes/cloudflare-5xx-errors/).
 */
const CLOUDFLARE_ORIGIN_ERRORS: Record<number, string> = {
	521: "connection refused (Cloudflare 521: the origin refused the connection)",
	522: "connection timed out (Cloudflare 522)",
	523: "origin unreachable (Cloudflare 523)",
	525: "TLS failure (Cloudflare 525: the TLS handshake with the origin failed)",
	526: "TLS failure (Cloudflare 526: the origin's certificate is not valid)",
};

/** A failed HTTP answer in words: the status, or what Cloudflare's own error page means, and the body's start. */
export function describeResponse(status: number, bodyPrefix: string, location: string | null): string {
	if (status === 530 && /\b1016\b/.test(bodyPrefix)) return "name not resolved (Cloudflare 1016: origin DNS error)";
	const known = CLOUDFLARE_ORIGIN_ERRORS[status];
	if (known) return known;
	if (status >= 300 && status < 400) return `HTTP ${status} redirect${location ? ` to ${location}` : ""}`;
	const text = bodyPrefix.replace(/\s+/g, " ").trim();
	return `HTTP ${status}${text ? `: ${JSON.stringify(text)}` : " (empty body)"}`;
}

/** A fetch that threw, in words: our timeout, or the connection failure as far as the runtime tells it. */
export function describeError(err: unknown, timeoutMs: number): string {
	const name = err instanceof Error ? err.name : "";
	if (name === "TimeoutError" || name === "AbortError") return `timeout after ${Math.round(timeoutMs / 1000)} s`;
	const message = err instanceof Error ? err.message : String(err);
	if (/refused|ECONNREFUSED/i.test(message)) return "connection refused";
	// workerd's words when nothing accepts the connection, or it closes before an answer.
	if (/network connection lost/i.test(message)) return "connection refused or closed before an answer";
	if (/ENOTFOUND|EAI_AGAIN|getaddrinfo|dns|not resolve|name resolution/i.test(message)) return "name not resolved";
	if (/tls|ssl|certificate|handshake/i.test(message)) return `TLS failure: ${message.slice(0, 120)}`;
	// Locally, workerd reports an unresolvable name or a TLS failure only as "internal error".
	if (/internal error/i.test(message))
		return "could not connect (name not resolved, TLS failure or similar; the runtime gives no detail)";
	return `could not connect: ${message.slice(0, 120)}`;
}

/** The attempt row's error text: the machine class, then the words, bounded. */
export function errorText(error: ErrorClass, detail: string | undefined): string {
	return (detail ? `${error}: ${detail}` : error).slice(0, MAX_ERROR_TEXT);
}
