/**
 * Hands an accepted event to its tenant's Durable Object; when that cannot be reached, to the
 * EVENTS queue, whose consumer appends it later. Several providers never retry, so refusing an
 * authentic event because the log is briefly unreachable would lose it.
 */
import { z } from "zod";
import { spoolKey } from "../config";
import { log } from "../log";
import { PendingEnvelopeSchema } from "../schema/envelope";
import { envelopeJson, RawNumberSchema } from "../schema/raw-numbers";
import type { AppendResult } from "./log-store";

/** Queue messages must stay under 128 KB; larger events wait in KV and the message carries the key. */
const MAX_INLINE_BYTES = 100 * 1024;
/** A spooled event outlives the queue's longest retry horizon. */
const SPOOL_TTL_SECONDS = 14 * 24 * 3600;
/**
 * The log keeps an envelope as one SQLite value, and Durable Object SQLite refuses a value or row over
 * 2 MB (local workerd does not). An envelope repeats text of its raw payload in `data`, so a body under
 * the 1 MiB ingest limit can still make one too large; the margin leaves room for the row's other columns.
 */
export const MAX_ENVELOPE_BYTES = 1_900_000;

/** The longest dedupe key the log stores; ingest hashes longer ones. */
export const MAX_DEDUPE_KEY_LENGTH = 512;

/** What the tenant's log appends: an envelope and the key it is deduped on. Re-parsed at the RPC and queue boundaries. */
export const AppendInputSchema = z.object({
	envelope: PendingEnvelopeSchema,
	dedupe_key: z.string().min(1).max(MAX_DEDUPE_KEY_LENGTH),
	/** Numbers of `envelope.raw` to store as the provider wrote them (src/schema/raw-numbers.ts); usually absent. */
	raw_numbers: z.array(RawNumberSchema).max(200_000).optional(),
});
export type AppendInput = z.infer<typeof AppendInputSchema>;

export const EventsMessageSchema = z.discriminatedUnion("kind", [
	z.object({ kind: z.literal("append"), input: AppendInputSchema }),
	z.object({ kind: z.literal("append_ref"), tenant: z.string(), key: z.string() }),
]);
export type EventsMessage = z.infer<typeof EventsMessageSchema>;

/**
 * What became of an event: held (appended to the log, or queued, whose consumer appends it later), or
 * refused, because its envelope is too large for the log to store (`limitBytes`, the largest it takes)
 * or because neither the log nor the queue could be reached.
 */
export type HandOffOutcome =
	| (AppendResult & { via: "log" | "queue" })
	| { refused: "too_large"; limitBytes: number }
	| { refused: "unavailable" };

/**
 * Appends to the tenant's log, or queues the event durably; refusals are values. Throws only for a
 * bug: an input that does not fit `AppendInputSchema`.
 */
export async function handOff(env: Env, input: AppendInput): Promise<HandOffOutcome> {
	// What the log refuses, the queue's consumer refuses too: an envelope that does not fit is a bug,
	// and it fails here (a 500) instead of being queued behind a 200 and dropped by the consumer.
	AppendInputSchema.parse(input);
	// Refused now rather than accepted and then failed by every append, the queue's included.
	if (new TextEncoder().encode(envelopeJson(input.envelope, input.raw_numbers)).byteLength > MAX_ENVELOPE_BYTES) {
		return { refused: "too_large", limitBytes: MAX_ENVELOPE_BYTES };
	}
	try {
		const result = await env.TENANT.getByName(input.envelope.tenant).append(input);
		return { ...result, via: "log" };
	} catch (err) {
		log("warn", "append failed, queueing", {
			tenant: input.envelope.tenant,
			event_id: input.envelope.id,
			error: String(err),
		});
	}
	try {
		await env.EVENTS.send(await toMessage(env, input), { contentType: "json" });
		return { id: input.envelope.id, sequence: null, duplicate: false, via: "queue" };
	} catch (err) {
		log("error", "queueing failed", { tenant: input.envelope.tenant, event_id: input.envelope.id, error: String(err) });
		return { refused: "unavailable" };
	}
}

async function toMessage(env: Env, input: AppendInput): Promise<EventsMessage> {
	const json = JSON.stringify(input);
	if (new TextEncoder().encode(json).byteLength <= MAX_INLINE_BYTES) {
		return { kind: "append", input };
	}
	const key = spoolKey(input.envelope.tenant, input.envelope.id);
	await env.CONFIG.put(key, json, { expirationTtl: SPOOL_TTL_SECONDS });
	return { kind: "append_ref", tenant: input.envelope.tenant, key };
}
