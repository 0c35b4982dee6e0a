/**
 * Follows a polling subscription: long-polls `GET /v1/subscriptions/{id}/poll`, hands each batch of
 * envelopes to the caller in sequence order, and passes `next_cursor` back so nothing is skipped or
 * repeated. Shared by `listen` and `events tail`.
 */
import { type ApiClient, CliError } from "./client.ts";

/** The envelope fields the CLI prints; the rest is passed through as it came. */
export interface Envelope {
	id: string;
	type: string;
	source?: string;
	sequence?: number;
	received_at?: string;
	[field: string]: unknown;
}

interface PollAnswer {
	data: Envelope[];
	next_cursor: string;
}

/** What a poller reports between batches, for the progress line. */
export type PollStatus = { state: "waiting" } | { state: "retrying"; error: string; inSeconds: number };

export interface PollOptions {
	subscription: string;
	/** Seconds the gateway holds an empty poll open (0..30). */
	wait?: number;
	limit?: number;
	signal: AbortSignal;
	onStatus?: (status: PollStatus) => void;
	/** Injectable for tests; real time otherwise. */
	sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Statuses that will not get better by asking again: the caller has to change something. */
const FATAL = new Set([400, 401, 403, 404, 410, 422]);

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		const timer = setTimeout(done, ms);
		function done() {
			clearTimeout(timer);
			signal.removeEventListener("abort", done);
			resolve();
		}
		signal.addEventListener("abort", done, { once: true });
	});
}

/** Backoff between failed polls: 1, 2, 4 ... up to 30 seconds. */
export const retryDelayMs = (failures: number) => Math.min(30_000, 1000 * 2 ** Math.max(0, failures - 1));

/**
 * Yields every non-empty batch until `signal` aborts. A network error or a 5xx is retried with
 * backoff (reported through `onStatus`); a 4xx (the subscription deleted, a revoked key) ends the
 * loop with its `CliError`.
 */
export async function* pollEvents(client: ApiClient, options: PollOptions): AsyncGenerator<Envelope[]> {
	const { subscription, wait = 25, limit = 100, signal, onStatus, sleep = abortableSleep } = options;
	let cursor: string | undefined;
	let failures = 0;
	while (!signal.aborted) {
		onStatus?.({ state: "waiting" });
		let answer: PollAnswer;
		try {
			answer = await client.request<PollAnswer>("GET", `/v1/subscriptions/${encodeURIComponent(subscription)}/poll`, {
				query: { cursor, limit, wait },
				signal,
			});
		} catch (err) {
			if (signal.aborted) return;
			if (err instanceof CliError && err.status !== undefined && FATAL.has(err.status)) throw err;
			failures++;
			const delay = retryDelayMs(failures);
			onStatus?.({ state: "retrying", error: (err as Error).message, inSeconds: delay / 1000 });
			await sleep(delay, signal);
			continue;
		}
		failures = 0;
		cursor = answer.next_cursor;
		if (answer.data.length > 0) yield answer.data;
	}
}
