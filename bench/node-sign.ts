/**
 * The benchmark's requests signed in Node with node:crypto: synchronous, so autocannon can build a
 * fresh, correctly signed request for every send. `checkSigners` proves these match the builders'
 * (and so src/verify's) signatures byte for byte before any load is sent.
 */
import { createHmac } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { whsecKey } from "../src/crypto/standard-webhooks";
import { CCAI_CLIENT_ID, CCAI_SECRET } from "../test/builders/cloudcontactai";
import { rapidproRequest } from "../test/builders/rapidpro";
import { SW_SECRET } from "../test/builders/standardwebhooks";
import { type TelerivetFields, telerivetRequest } from "../test/builders/telerivet";
import { VOIPBIN_SECRET } from "../test/builders/voipbin";
import { VOXSIG_SECRET } from "../test/builders/voxsig";
import type { SignedRequest } from "../test/support/ingest";
import { BENCH_PROVIDERS, type BenchProvider, benchId, benchPayload, signedRequest } from "./payloads";

const hmac = (key: string | Uint8Array, message: string) => createHmac("sha256", key).update(message);
const SW_KEY = whsecKey(SW_SECRET) ?? new Uint8Array();
const JSON_TYPE = { "content-type": "application/json" };

/** Event `n` of `provider`, signed at `nowSeconds`: the same bytes `signedRequest` gives. */
export function signedRequestSync(provider: BenchProvider, n: number, nowSeconds: number): SignedRequest {
	const payload = benchPayload(provider, n);
	if (provider === "rapidpro") return rapidproRequest(payload);
	if (provider === "telerivet") return telerivetRequest(payload as TelerivetFields);
	const body = JSON.stringify(payload);
	switch (provider) {
		case "cloudcontactai": {
			const hash = (payload as { eventHash: string }).eventHash;
			const signature = hmac(CCAI_SECRET, `${CCAI_CLIENT_ID}:${hash}`).digest("base64");
			return { body, headers: { ...JSON_TYPE, "x-ccai-signature": signature } };
		}
		case "voxsig": {
			const signature = `sha256=${hmac(VOXSIG_SECRET, `${nowSeconds}.${body}`).digest("hex")}`;
			return {
				body,
				headers: {
					...JSON_TYPE,
					"x-chatwoot-signature": signature,
					"x-chatwoot-timestamp": String(nowSeconds),
					"x-chatwoot-delivery": benchId(n),
				},
			};
		}
		case "voipbin":
			return {
				body,
				headers: { ...JSON_TYPE, "x-voipbin-signature": `sha256=${hmac(VOIPBIN_SECRET, body).digest("hex")}` },
			};
		case "standardwebhooks": {
			const id = `msg_${benchId(n)}`;
			const signature = `v1,${hmac(SW_KEY, `${id}.${nowSeconds}.${body}`).digest("base64")}`;
			return {
				body,
				headers: {
					...JSON_TYPE,
					"webhook-id": id,
					"webhook-timestamp": String(nowSeconds),
					"webhook-signature": signature,
				},
			};
		}
	}
}

/** Throws unless every Node-signed request equals the builder-signed one. */
export async function checkSigners(): Promise<void> {
	const now = Math.floor(Date.now() / 1000);
	for (const provider of BENCH_PROVIDERS) {
		const ours = signedRequestSync(provider, 0, now);
		const theirs = await signedRequest(provider, 0, now);
		const strip = (r: SignedRequest) => ({ body: r.body, headers: r.headers, query: r.query });
		if (!isDeepStrictEqual(strip(ours), strip(theirs))) {
			throw new Error(`node signer for ${provider} differs from the builder:\n${JSON.stringify({ ours, theirs })}`);
		}
	}
}
