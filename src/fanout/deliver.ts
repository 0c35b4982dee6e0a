/**
 * One delivery attempt: sign the exact envelope bytes, POST them, classify the answer.
 * `fetch` is injected, so this runs the same in the Durable Object, the queue consumer and unit tests.
 */
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

export interface DeliveryRequest {
	url: string;
	/** Active secrets, newest first. */
	secrets: readonly string[];
	/** The envelope id: `webhook-id`, the same on every retry. */
	eventId: string;
	/** The envelope JSON: these exact bytes are signed and sent. */
	body: string;
	now: number;
	timeoutMs?: number;
}

export interface AttemptOutcome {
	classification: Classification;
	/** The subscriber's status code, or null when none came back. */
	status: number | null;
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

/** Sends one attempt and reports what happened. Never throws for the subscriber's failures. */
export async function attemptDelivery(req: DeliveryRequest, fetcher: typeof fetch = fetch): Promise<AttemptOutcome> {
	const bytes = new TextEncoder().encode(req.body);
	const signed = await signDelivery(req.secrets, req.eventId, Math.floor(req.now / 1000), bytes);
	const started = Date.now();
	const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	try {
		const res = await fetcher(req.url, {
			method: "POST",
			headers: { "content-type": "application/json", "user-agent": `hookfan/${VERSION}`, ...signed },
			body: bytes,
			redirect: "manual",
			signal: AbortSignal.timeout(timeoutMs),
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
