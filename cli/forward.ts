/**
 * Relays one envelope to the developer's local server, signed with Standard Webhooks headers under
 * a secret `listen` made up, so the local handler runs its real verification code unchanged.
 */
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import type { Envelope } from "./poll.ts";

/** A fresh `whsec_` secret (24 random bytes, as Standard Webhooks senders generate them). */
export function newWebhookSecret(): string {
	return `whsec_${randomBytes(24).toString("base64")}`;
}

/** How one forward went: the local server's status, or why there was none. Never thrown. */
export type ForwardResult = { ok: boolean; status: number; ms: number } | { ok: false; error: string; ms: number };

export interface ForwardOptions {
	secret: string;
	timeoutMs?: number;
	now?: () => Date;
	fetch?: typeof fetch;
}

/** Signs and POSTs one envelope; resolves with the outcome, whatever it is. */
export async function forwardEvent(
	target: string,
	envelope: Envelope,
	options: ForwardOptions,
): Promise<ForwardResult> {
	const { secret, timeoutMs = 10_000, now = () => new Date(), fetch: send = fetch } = options;
	const body = JSON.stringify(envelope);
	const at = now();
	const headers = {
		"content-type": "application/json",
		"user-agent": "hookfan-cli",
		"webhook-id": envelope.id,
		"webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
		"webhook-signature": new Webhook(secret).sign(envelope.id, at, body),
	};
	const started = performance.now();
	const ms = () => Math.round(performance.now() - started);
	try {
		const res = await send(target, { method: "POST", headers, body, signal: AbortSignal.timeout(timeoutMs) });
		// Read the body so the connection can be reused; what it says does not matter here.
		await res.arrayBuffer().catch(() => undefined);
		return { ok: res.ok, status: res.status, ms: ms() };
	} catch (err) {
		const e = err as { name?: string; cause?: { code?: string; message?: string }; message?: string };
		const error =
			e.name === "TimeoutError"
				? `timed out after ${timeoutMs} ms`
				: (e.cause?.code ?? e.cause?.message ?? e.message ?? String(err));
		return { ok: false, error, ms: ms() };
	}
}
