/** Retry timing: the schedule, its jitter, and the subscriber's Retry-After. All pure. */

/** Delays after the first immediate attempt, in seconds: about 28 hours in all. */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];

/** Each delay varies by this fraction either way, so retries from many events do not land together. */
export const JITTER = 0.2;

/** Nothing waits longer than this, whatever a Retry-After asks. */
export const MAX_DELAY_MS = 24 * 3600 * 1000;

/**
 * Milliseconds to wait after failed attempt number `attempt` (1-based), or null when the schedule is
 * exhausted. `random` in [0, 1) picks the jitter; `retryAfterMs` is a floor the subscriber asked for.
 */
export function nextDelayMs(
	schedule: readonly number[],
	attempt: number,
	random: number,
	retryAfterMs: number | null = null,
): number | null {
	const base = schedule[attempt - 1];
	if (base === undefined) return null;
	const jittered = base * 1000 * (1 + JITTER * (2 * random - 1));
	return Math.round(Math.min(MAX_DELAY_MS, Math.max(jittered, retryAfterMs ?? 0)));
}

/**
 * Parses Retry-After: delay-seconds or an HTTP date. Returns milliseconds from `now`, capped at 24 h,
 * or null when absent or unreadable. A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | null, now: number): number | null {
	if (value === null) return null;
	const trimmed = value.trim();
	if (/^\d+$/.test(trimmed)) return Math.min(MAX_DELAY_MS, Number(trimmed) * 1000);
	// An HTTP date always names its month; this keeps "-5" and such from parsing as years.
	const date = /[a-z]/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
	if (Number.isNaN(date)) return null;
	return Math.min(MAX_DELAY_MS, Math.max(0, date - now));
}
