/** Sends one fuzz request to the worker under test and checks the invariants every answer keeps. */
import { SELF } from "cloudflare:test";
import { expect } from "vitest";

export interface FuzzRequest {
	method: string;
	/** Path and query, e.g. `/in/t/vb?token=x`. */
	path: string;
	/** A list, so a name may repeat: fetch joins repeated values with ", ". */
	headers: [string, string][];
	body: Uint8Array | string | null;
	/** Send the body as a stream, so no Content-Length announces its size. */
	stream?: boolean;
}

export interface FuzzAnswer {
	status: number;
	contentType: string | null;
	text: string;
	json: unknown;
}

/** Counts of what was sent, for the report at the end of a run. */
export class Tally {
	readonly counts = new Map<string, number>();
	add(key: string): void {
		this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
	}
	total(): number {
		return [...this.counts.values()].reduce((a, b) => a + b, 0);
	}
	toString(): string {
		return [...this.counts.entries()]
			.sort()
			.map(([k, v]) => `${k}=${v}`)
			.join(" ");
	}
}

function toStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
	return new ReadableStream({
		start(controller) {
			for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.slice(i, i + 64 * 1024));
			controller.close();
		},
	});
}

/** Builds the fetch arguments, or null when fetch itself refuses them (a header that is not a ByteString). */
function build(req: FuzzRequest): RequestInit | null {
	const headers = new Headers();
	try {
		for (const [name, value] of req.headers) headers.append(name, value);
	} catch {
		return null;
	}
	const init: RequestInit = { method: req.method, headers };
	if (req.body !== null && req.method !== "GET" && req.method !== "HEAD") {
		const bytes = typeof req.body === "string" ? new TextEncoder().encode(req.body) : req.body;
		init.body = req.stream ? toStream(bytes) : bytes;
	}
	return init;
}

/**
 * Sends the request; null when the client could not send it at all. Asserts what holds for every
 * answer: never a 5xx, every error is problem+json with a code, every 200 from ingest says id and duplicate.
 */
export async function send(req: FuzzRequest): Promise<FuzzAnswer | null> {
	const init = build(req);
	if (init === null) return null;
	const res = await SELF.fetch(`https://hookfan.test${req.path}`, init);
	const text = await res.text();
	let json: unknown = null;
	try {
		json = text ? JSON.parse(text) : null;
	} catch {
		json = null;
	}
	const contentType = res.headers.get("content-type");
	const what = `${req.method} ${req.path} -> ${res.status} ${text.slice(0, 300)}`;
	expect(res.status, what).toBeLessThan(500);
	if (res.status >= 400) {
		expect(contentType, what).toBe("application/problem+json");
		expect((json as { code?: unknown } | null)?.code, what).toEqual(expect.any(String));
	}
	return { status: res.status, contentType, text, json };
}
