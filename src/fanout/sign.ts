/**
 * Signs a delivery the Standard Webhooks way: one `v1,` entry per active secret (newest first), so
 * subscribers verify with either secret during a rotation. The format is src/crypto/standard-webhooks.ts,
 * the one inbound verification checks with.
 */
import { standardSignature, whsecKey } from "../crypto/standard-webhooks";

export interface SignedHeaders {
	"webhook-id": string;
	"webhook-timestamp": string;
	"webhook-signature": string;
}

/** The three Standard Webhooks headers for `body`, sent as `id` at `timestampSeconds`. */
export async function signDelivery(
	secrets: readonly string[],
	id: string,
	timestampSeconds: number,
	body: Uint8Array,
): Promise<SignedHeaders> {
	const entries: string[] = [];
	for (const secret of secrets) {
		const key = whsecKey(secret);
		// Secrets are validated when stored; an invalid one here is a bug, not a reason to send unsigned.
		if (!key) throw new Error("invalid whsec secret in subscription");
		entries.push(await standardSignature(key, id, timestampSeconds, body));
	}
	return {
		"webhook-id": id,
		"webhook-timestamp": String(timestampSeconds),
		"webhook-signature": entries.join(" "),
	};
}
