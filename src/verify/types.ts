/** The contract every provider's proof of authenticity implements. */

/** What a verifier sees of the request: exact bytes, headers, URL, and the parsed body. */
export interface VerifyInput {
	readonly headers: Headers;
	readonly url: URL;
	readonly rawBody: Uint8Array;
	/** JSON value, or a string record for form bodies. */
	readonly body: unknown;
	/** Milliseconds since the epoch: injected so verification is a pure function of its inputs. */
	readonly now: number;
}

/** Why a request failed its proof. The client only ever sees a generic 401; logs see the reason. */
export type VerifyFailure =
	| { reason: "missing_proof" }
	| { reason: "bad_signature" }
	| { reason: "bad_token" }
	| { reason: "bad_credentials" }
	| { reason: "bad_timestamp" }
	| { reason: "stale_timestamp"; ageSeconds: number }
	| { reason: "missing_client_id" };

export type VerifyResult = { ok: true } | ({ ok: false } & VerifyFailure);

export type Verifier<S> = (input: VerifyInput, source: S) => Promise<VerifyResult>;

export const VERIFIED: VerifyResult = { ok: true };
export function failed(failure: VerifyFailure): VerifyResult {
	return { ok: false, ...failure };
}
