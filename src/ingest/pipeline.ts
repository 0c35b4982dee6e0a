/**
 * The ingest pipeline: a provider's request in, an `IngestOutcome` out. It reads the exact bytes
 * once, proves them authentic, normalizes them and hands the event on. Plain inputs; storage, the
 * hand-off and the clock are injected, so it runs without a server or bindings.
 */

import { utf8 } from "../crypto/bytes";
import { sha256Hex } from "../crypto/hmac";
import type { AppendInput, HandOffOutcome } from "../fanout/hand-off";
import { MAX_DEDUPE_KEY_LENGTH } from "../fanout/hand-off";
import { eventId } from "../ids";
import { log } from "../log";
import { type BodyFormat, type ParsedBody, parseBody, parseForm } from "../normalize/body";
import type { IngestMethod, ProviderSpec, SourceConfig } from "../providers";
import { type PendingEnvelope, SlugSchema } from "../schema/envelope";
import { exactNumbers } from "../schema/raw-numbers";
import { verifyRequest } from "../verify/index";
import type { IngestOutcome, IngestRefusal } from "./outcome";

/** Largest body accepted, in bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The parts of the request the pipeline reads. */
export interface IngestRequest {
	/** The path's tenant and source ids, unvalidated. */
	readonly tenant: string;
	readonly source: string;
	/** The HTTP method, upper case; the provider's registry entry lists the ones it can send. */
	readonly method: string;
	readonly url: URL;
	readonly headers: Headers;
	/** The body, read here at most once and no further than `MAX_BODY_BYTES`. */
	readonly body: ReadableStream<Uint8Array> | null;
}

/** What the pipeline needs from outside. */
export interface IngestDeps {
	/** The source's parsed configuration, or null when there is none. */
	readonly readSource: (tenant: string, source: string) => Promise<SourceConfig | null>;
	/** The registry entry for a source (its verifier, body format and normalizer). */
	readonly providerOf: (source: SourceConfig) => ProviderSpec;
	/** Hands an authentic, normalized event to the tenant's log or queue. */
	readonly handOff: (input: AppendInput) => Promise<HandOffOutcome>;
	/** Milliseconds since the epoch. */
	readonly now: () => number;
	/**
	 * Told of every refusal of a request to a known source (never for an unknown one), with the
	 * body's size when it was read: the tenant's rejection log. Must not throw or slow the answer.
	 */
	readonly recordRefusal: (refusal: IngestRefusal, bodyBytes: number | null) => void;
}

const CONTENT_TYPES: Record<BodyFormat, RegExp> = {
	json: /^application\/(?:[\w.+-]+\+)?json$/,
	form: /^application\/x-www-form-urlencoded$/,
};

function contentTypeFits(header: string | null, format: BodyFormat): boolean {
	// A sender that names no type gets the provider's format: some webhook tools send none.
	if (header === null || header.trim() === "") return true;
	const mediaType = header.split(";")[0]?.trim().toLowerCase() ?? "";
	return CONTENT_TYPES[format].test(mediaType);
}

/** Reads at most `limit` bytes; null when there are more, whatever Content-Length claimed. */
async function readLimited(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array | null> {
	if (!body) return new Uint8Array();
	const chunks: Uint8Array[] = [];
	let size = 0;
	const reader = body.getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			await reader.cancel();
			return null;
		}
		chunks.push(value);
	}
	const out = new Uint8Array(size);
	let offset = 0;
	for (const chunk of chunks) {
		out.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return out;
}

/**
 * The key the log dedupes on: the normalizer's; a SHA-256 of it when it is too long to store (so a
 * long provider id still dedupes, rather than falling back to the body); or, when the provider gives
 * none, a SHA-256 of the payload's bytes as received (`payload`). Never of a re-serialized parse:
 * that rounds large numbers and turns `1e400` into `null`, merging distinct events.
 */
async function storedDedupeKey(key: string | null, payload: Payload): Promise<string> {
	if (key === null) {
		return payload.from === "body"
			? `sha256:${await sha256Hex(payload.bytes)}`
			: `query-sha256:${await sha256Hex(payload.bytes)}`;
	}
	return key.length <= MAX_DEDUPE_KEY_LENGTH ? key : `key-sha256:${await sha256Hex(utf8(key))}`;
}

/**
 * Where a request's payload came from and its bytes: the body as received, or, for a provider that
 * sends bodyless requests (RapidPro's GET webhooks), the query string without `token`, as received.
 */
type Payload = { from: "body" | "query"; bytes: Uint8Array<ArrayBuffer> };

/** The query string without any `token` parameter (a shared-token proof, never part of the payload). */
function queryWithoutToken(url: URL): string {
	const params = new URLSearchParams(url.search);
	params.delete("token");
	return params.toString();
}

function isIngestMethod(method: string, allowed: readonly IngestMethod[]): boolean {
	return (allowed as readonly string[]).includes(method);
}

/** The body as text; only called on a body that already decoded as UTF-8. */
function decodeText(bytes: Uint8Array): string {
	return new TextDecoder().decode(bytes);
}

/** Runs one request through the pipeline. Never throws for bad input; only for bugs. */
export async function runIngest(req: IngestRequest, deps: IngestDeps): Promise<IngestOutcome> {
	const { tenant, source: sourceId, headers } = req;
	if (!SlugSchema.safeParse(tenant).success || !SlugSchema.safeParse(sourceId).success) {
		return { kind: "unknown_source" };
	}
	if (Number(headers.get("content-length") ?? "0") > MAX_BODY_BYTES) {
		return { kind: "body_too_large", limitBytes: MAX_BODY_BYTES };
	}

	const source = await deps.readSource(tenant, sourceId);
	if (!source) return { kind: "unknown_source" };
	// From here on the source exists: its tenant is told why a request was refused.
	let bodyBytes: number | null = null;
	const refuse = (refusal: IngestRefusal): IngestRefusal => {
		deps.recordRefusal(refusal, bodyBytes);
		return refusal;
	};
	const provider = deps.providerOf(source);
	if (!isIngestMethod(req.method, provider.methods))
		return refuse({ kind: "method_not_allowed", allow: provider.methods });
	// A sender that may send bodyless requests may name a content type on them: checked once a body shows.
	const typeFits = contentTypeFits(headers.get("content-type"), provider.format);
	if (!typeFits && !provider.queryPayload) return refuse({ kind: "unsupported_media_type", format: provider.format });

	const rawBody = await readLimited(req.body, MAX_BODY_BYTES);
	if (!rawBody) return refuse({ kind: "body_too_large", limitBytes: MAX_BODY_BYTES });
	bodyBytes = rawBody.byteLength;
	const fromQuery = rawBody.byteLength === 0 && provider.queryPayload;
	if (!fromQuery && !typeFits) return refuse({ kind: "unsupported_media_type", format: provider.format });
	const query = fromQuery ? queryWithoutToken(req.url) : "";
	// A bodyless request's payload is its query string's parameters, as strings, the way a form's are.
	const parsed: ParsedBody = fromQuery ? { ok: true, body: parseForm(query) } : parseBody(rawBody, provider.format);
	if (!parsed.ok) return refuse({ kind: "malformed_body", detail: parsed.detail });
	const payload: Payload = fromQuery
		? { from: "query", bytes: utf8(query) }
		: { from: "body", bytes: new Uint8Array(rawBody) };

	const now = deps.now();
	const proof = await verifyRequest(
		{ headers, url: req.url, rawBody, body: parsed.body, now },
		source,
		provider.verify,
	);
	if (!proof.ok) {
		log("warn", "ingest rejected", { tenant, source: sourceId, outcome: proof.reason, latency_ms: deps.now() - now });
		const { ok: _, ...failure } = proof;
		return refuse({ kind: "unauthorized", ...failure });
	}

	const result = provider.normalize({ body: parsed.body, headers }, source);
	if (!result.ok) return refuse({ kind: "invalid_payload", issues: result.issues });
	const { dedupe_key, ...event } = result.event;
	const envelope: PendingEnvelope = {
		id: eventId(now),
		tenant,
		source: sourceId,
		provider: source.provider,
		...event,
		received_at: new Date(now).toISOString(),
	};
	// Numbers `raw` rounded, kept as the provider wrote them (form and query payloads hold only strings).
	const rawNumbers =
		payload.from === "body" && provider.format === "json" ? exactNumbers(decodeText(rawBody), event.raw) : [];
	const held = await deps.handOff({
		envelope,
		dedupe_key: await storedDedupeKey(dedupe_key, payload),
		...(rawNumbers.length > 0 ? { raw_numbers: rawNumbers } : {}),
	});
	if ("refused" in held) {
		return held.refused === "too_large"
			? refuse({ kind: "envelope_too_large", limitBytes: held.limitBytes })
			: { kind: "unavailable" };
	}
	log("info", "ingest accepted", {
		tenant,
		source: sourceId,
		event_id: held.id,
		type: envelope.type,
		sequence: held.sequence,
		outcome: held.duplicate ? "duplicate" : held.via === "queue" ? "queued" : "appended",
		latency_ms: deps.now() - now,
	});
	return held.duplicate
		? { kind: "duplicate", id: held.id, sequence: held.sequence }
		: { kind: "accepted", id: held.id, sequence: held.sequence, via: held.via };
}
