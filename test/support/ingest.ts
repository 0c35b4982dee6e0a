/** Sends requests to the ingest edge of the worker under test. */
import { SELF } from "cloudflare:test";

export interface SignedRequest {
	body: string;
	headers: Record<string, string>;
	/** Extra query string, e.g. `?token=...`. */
	query?: string;
	method?: string;
}

export function postIngest(tenant: string, source: string, req: SignedRequest): Promise<Response> {
	return SELF.fetch(`https://hookfan.test/in/${tenant}/${source}${req.query ?? ""}`, {
		method: req.method ?? "POST",
		headers: req.headers,
		// The fetch API refuses a body on GET and HEAD; a bodyless request is sent as one.
		body: req.body === "" ? undefined : req.body,
	});
}

export interface Accepted {
	id: string;
	duplicate: boolean;
}

/** Posts and expects a 200 acceptance; returns the body. */
export async function ingestOk(tenant: string, source: string, req: SignedRequest): Promise<Accepted> {
	const res = await postIngest(tenant, source, req);
	const text = await res.text();
	if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${text}`);
	return JSON.parse(text) as Accepted;
}
