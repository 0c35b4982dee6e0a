/**
 * The front door: `POST|PUT /in/{tenant}/{source}`. Reads the exact bytes once, proves them
 * authentic, normalizes them and hands the event to the tenant's Durable Object (or, when that
 * cannot be reached, to the EVENTS queue). A 200 means hookfan durably holds the event.
 */
import { Hono } from "hono";
import { readSource } from "../config";
import { utf8 } from "../crypto/bytes";
import { sha256Hex } from "../crypto/hmac";
import { handOff, MAX_DEDUPE_KEY_LENGTH } from "../fanout/hand-off";
import { eventId } from "../ids";
import { log } from "../log";
import { type BodyFormat, parseBody } from "../normalize/body";
import { problem } from "../problem";
import { providerOf } from "../providers";
import { type PendingEnvelope, SlugSchema } from "../schema/envelope";
import { verifyRequest } from "../verify/index";

/** Largest body accepted, in bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

const CONTENT_TYPES: Record<BodyFormat, RegExp> = {
	json: /^application\/(?:[\w.+-]+\+)?json$/,
	form: /^application\/x-www-form-urlencoded$/,
};

/** Reads at most `limit` bytes; more than that is a 413, whatever Content-Length claimed. */
async function readLimited(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array> {
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
			throw tooLarge();
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

const tooLarge = () => problem("payload_too_large", { detail: `The body is larger than ${MAX_BODY_BYTES} bytes.` });
// One answer for an unknown tenant and an unknown source, so neither can be probed.
const unknownSource = () => problem("unknown_source");

function checkContentType(header: string | undefined, format: BodyFormat): void {
	// A sender that names no type gets the provider's format: some webhook tools send none.
	if (header === undefined || header.trim() === "") return;
	const mediaType = header.split(";")[0]?.trim().toLowerCase() ?? "";
	if (!CONTENT_TYPES[format].test(mediaType)) {
		throw problem("unsupported_media_type", {
			detail: `This source expects ${format === "json" ? "application/json" : "application/x-www-form-urlencoded"}.`,
		});
	}
}

/**
 * The key the log dedupes on: the normalizer's; a SHA-256 of it when it is too long to store (so a
 * long provider id still dedupes, rather than falling back to the body); or, when the provider gives
 * none, a SHA-256 of the body.
 */
async function storedDedupeKey(key: string | null, raw: unknown): Promise<string> {
	if (key === null) return `sha256:${await sha256Hex(utf8(JSON.stringify(raw)))}`;
	return key.length <= MAX_DEDUPE_KEY_LENGTH ? key : `key-sha256:${await sha256Hex(utf8(key))}`;
}

export const ingest = new Hono<{ Bindings: Env }>();

ingest.on(["POST", "PUT"], "/:tenant/:source", async (c) => {
	const { tenant, source: sourceId } = c.req.param();
	if (!SlugSchema.safeParse(tenant).success || !SlugSchema.safeParse(sourceId).success) throw unknownSource();

	const declared = Number(c.req.header("content-length") ?? "0");
	if (declared > MAX_BODY_BYTES) throw tooLarge();

	const source = await readSource(c.env.CONFIG, tenant, sourceId);
	if (!source) throw unknownSource();
	const provider = providerOf(source);
	checkContentType(c.req.header("content-type"), provider.format);

	const rawBody = await readLimited(c.req.raw.body, MAX_BODY_BYTES);
	const parsed = parseBody(rawBody, provider.format);
	if (!parsed.ok) throw problem("malformed_body", { detail: parsed.detail });

	const now = Date.now();
	const proof = await verifyRequest(
		{ headers: c.req.raw.headers, url: new URL(c.req.url), rawBody, body: parsed.body, now },
		source,
		provider.verify,
	);
	if (!proof.ok) {
		log("warn", "ingest rejected", { tenant, source: sourceId, outcome: proof.reason, latency_ms: Date.now() - now });
		// Say nothing about which check failed.
		throw problem("unauthorized");
	}

	const result = provider.normalize({ body: parsed.body, headers: c.req.raw.headers }, source);
	if (!result.ok) {
		throw problem("invalid_payload", {
			issues: result.issues,
		});
	}
	const { dedupe_key, ...event } = result.event;
	const envelope: PendingEnvelope = {
		id: eventId(now),
		tenant,
		source: sourceId,
		provider: source.provider,
		...event,
		received_at: new Date(now).toISOString(),
	};
	const outcome = await handOff(c.env, { envelope, dedupe_key: await storedDedupeKey(dedupe_key, event.raw) });
	log("info", "ingest accepted", {
		tenant,
		source: sourceId,
		event_id: outcome.id,
		type: envelope.type,
		sequence: outcome.sequence,
		outcome: outcome.duplicate ? "duplicate" : outcome.via === "queue" ? "queued" : "appended",
		latency_ms: Date.now() - now,
	});
	return c.json({ id: outcome.id, duplicate: outcome.duplicate }, 200);
});

ingest.all("/:tenant/:source", () => {
	throw problem("method_not_allowed", {}, { allow: "POST, PUT" });
});
