/**
 * The prepare and attempt stages of a dispatch. `prepareAttempt` builds the one description of an
 * attempt (the ordered lanes use it directly, the queue consumer receives it from `claim`);
 * `attemptDelivery` signs the exact envelope bytes, POSTs them and classifies the answer. `fetch` is
 * injected, so this runs the same in the Durable Object, the queue consumer and unit tests.
 */
import { activeSecrets, type Subscription } from "../schema/subscription";
import { VERSION } from "../version";
import {
	ANSWER_PREFIX_BYTES,
	type Classification,
	classifyError,
	classifyResponse,
	describeError,
	describeResponse,
} from "./classify";
import { signDelivery } from "./sign";

/** Default wait for a subscriber's answer. */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** The attempt to make: everything the sender needs, and nothing it could get wrong. */
export interface PreparedAttempt {
	url: string;
	/** The secrets that sign it, newest first. */
	secrets: string[];
	/** The envelope id: `webhook-id`, the same on every retry. */
	eventId: string;
	/** The envelope JSON: these exact bytes are signed and sent. */
	body: string;
	/** How long to wait for the subscriber's answer, in milliseconds. */
	timeoutMs: number;
}

/** Prepares an attempt to deliver `event` (its id and stored envelope JSON) to `sub` at `now`. */
export function prepareAttempt(
	sub: Subscription,
	event: { id: string; envelope: string },
	now: number,
	timeoutMs: number,
): PreparedAttempt {
	// A bug if it happens: polling subscriptions get no delivery rows (engine.fanOut skips them).
	if (sub.url === undefined) throw new Error(`subscription ${sub.id} has no url: it is not a webhook`);
	return { url: sub.url, secrets: activeSecrets(sub, now), eventId: event.id, body: event.envelope, timeoutMs };
}

export interface AttemptOutcome {
	classification: Classification;
	/** The subscriber's status code, or null when none came back. */
	status: number | null;
	/** From sending the request to its answer (or the failure), in milliseconds. */
	latencyMs: number;
	/** A failure in words (connection refused, timeout after 15 s, HTTP 500 and the answer's start). */
	detail?: string;
}

/**
 * The first bytes of a failed answer, then the connection is released: a subscriber's error page may be
 * large, and only its start says anything useful.
 */
async function answerPrefix(res: Response): Promise<string> {
	if (!res.body) return "";
	const reader = res.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		while (size < ANSWER_PREFIX_BYTES) {
			const { done, value } = await reader.read();
			if (done) break;
			chunks.push(value);
			size += value.byteLength;
		}
	} catch {
		// A body cut off midway still says what came before.
	} finally {
		await reader.cancel().catch(() => {});
	}
	const bytes = new Uint8Array(size);
	let at = 0;
	for (const c of chunks) {
		bytes.set(c, at);
		at += c.byteLength;
	}
	return new TextDecoder().decode(bytes.subarray(0, ANSWER_PREFIX_BYTES));
}

/**
 * Sends one attempt, signed as of `now` (ms since epoch), and reports what happened. Never throws for
 * the subscriber's failures: a timeout, a refused connection, a redirect or an error status is an outcome.
 */
export async function attemptDelivery(
	attempt: PreparedAttempt,
	now: number,
	fetcher: typeof fetch = fetch,
): Promise<AttemptOutcome> {
	const bytes = new TextEncoder().encode(attempt.body);
	const signed = await signDelivery(attempt.secrets, attempt.eventId, Math.floor(now / 1000), bytes);
	const started = Date.now();
	const { timeoutMs } = attempt;
	try {
		const res = await fetcher(attempt.url, {
			method: "POST",
			headers: { "content-type": "application/json", "user-agent": `hookfan/${VERSION}`, ...signed },
			body: bytes,
			redirect: "manual",
			signal: AbortSignal.timeout(attempt.timeoutMs),
		});
		const classification = classifyResponse(res.status, res.headers, Date.now());
		if (classification.outcome === "delivered") {
			// Nobody reads a success's body; release the connection instead of buffering it.
			await res.body?.cancel();
			return { classification, status: res.status, latencyMs: Date.now() - started };
		}
		const latencyMs = Date.now() - started;
		const detail = describeResponse(res.status, await answerPrefix(res), res.headers.get("location"));
		return { classification, status: res.status, latencyMs, detail };
	} catch (err) {
		const detail = describeError(err, timeoutMs);
		return { classification: classifyError(err), status: null, latencyMs: Date.now() - started, detail };
	}
}
