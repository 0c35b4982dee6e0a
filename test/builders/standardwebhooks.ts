/** Builds requests from a Standard Webhooks sender. */
import { utf8 } from "../../src/crypto/bytes";
import { standardSignature, whsecKey } from "../../src/crypto/standard-webhooks";
import type { SignedRequest } from "../support/ingest";

export const SW_SECRET = "whsec_c2VuZGVyc2VjcmV0c2VuZGVyc2VjcmV0c2VuZGVy";

/** A request signed with `secret` as message `id` at `timestamp` (now by default). */
export async function standardRequest(
	payload: unknown,
	opts: { id?: string; timestamp?: number; secret?: string; rawBody?: string } = {},
): Promise<SignedRequest> {
	// `rawBody`: the exact text, for numbers JSON.stringify cannot write (past 2^53, 1e400).
	const body = opts.rawBody ?? JSON.stringify(payload);
	const id = opts.id ?? `msg_${crypto.randomUUID()}`;
	const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
	const key = whsecKey(opts.secret ?? SW_SECRET) as Uint8Array<ArrayBuffer>;
	return {
		body,
		headers: {
			"content-type": "application/json",
			"webhook-id": id,
			"webhook-timestamp": String(timestamp),
			"webhook-signature": await standardSignature(key, id, timestamp, utf8(body)),
		},
	};
}
