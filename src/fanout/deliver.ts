/**
 * One delivery attempt: sign the exact envelope bytes, POST them, classify the answer.
 * `fetch` is injected, so this runs the same in the Durable Object, the queue consumer and unit tests.
 */
import { VERSION } from "../version";
import { type Classification, classifyError, classifyResponse } from "./classify";
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
}

/** Sends one attempt and reports what happened. Never throws for the subscriber's failures. */
export async function attemptDelivery(req: DeliveryRequest, fetcher: typeof fetch = fetch): Promise<AttemptOutcome> {
	const bytes = new TextEncoder().encode(req.body);
	const signed = await signDelivery(req.secrets, req.eventId, Math.floor(req.now / 1000), bytes);
	const started = Date.now();
	try {
		const res = await fetcher(req.url, {
			method: "POST",
			headers: { "content-type": "application/json", "user-agent": `hookfan/${VERSION}`, ...signed },
			body: bytes,
			redirect: "manual",
			signal: AbortSignal.timeout(req.timeoutMs ?? DEFAULT_TIMEOUT_MS),
		});
		// Nobody reads the answer's body; release the connection instead of buffering it.
		await res.body?.cancel();
		return {
			classification: classifyResponse(res.status, res.headers, Date.now()),
			status: res.status,
			latencyMs: Date.now() - started,
		};
	} catch (err) {
		return { classification: classifyError(err), status: null, latencyMs: Date.now() - started };
	}
}
