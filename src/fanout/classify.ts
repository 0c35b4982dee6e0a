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
