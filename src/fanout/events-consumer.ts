/**
 * Consumer of the EVENTS queue: appends events that ingest accepted while their tenant's Durable
 * Object was unreachable. Appending is idempotent by dedupe key, so a redelivered message is harmless.
 * Such an event takes its sequence when it is appended here, not when ingest answered 200.
 */
import { log } from "../log";
import { type AppendInput, AppendInputSchema, EventsMessageSchema } from "./hand-off";

/** Waits between tries while the tenant's Durable Object stays unreachable, in seconds. */
const RETRY_DELAY_SECONDS = 10;

async function resolve(env: Env, body: unknown): Promise<{ input: AppendInput; spool?: string } | null> {
	const message = EventsMessageSchema.safeParse(body);
	if (!message.success) return null;
	if (message.data.kind === "append") return { input: message.data.input };
	const stored = await env.CONFIG.get(message.data.key, "json");
	const input = AppendInputSchema.safeParse(stored);
	// A spooled event that is gone was already appended and cleaned up by an earlier delivery.
	return input.success ? { input: input.data, spool: message.data.key } : null;
}

/** Appends each queued event to its tenant's log; retries the ones that still cannot be appended. */
export async function consumeEvents(batch: MessageBatch, env: Env): Promise<void> {
	for (const message of batch.messages) {
		try {
			const job = await resolve(env, message.body);
			if (!job) {
				log("error", "dropping unreadable events message", { message_id: message.id });
				message.ack();
				continue;
			}
			const result = await env.TENANT.getByName(job.input.envelope.tenant).append(job.input);
			if (job.spool) await env.CONFIG.delete(job.spool);
			log("info", "queued event appended", {
				tenant: job.input.envelope.tenant,
				source: job.input.envelope.source,
				event_id: result.id,
				sequence: result.sequence,
				outcome: result.duplicate ? "duplicate" : "appended",
			});
			message.ack();
		} catch (err) {
			log("error", "queued append failed", { message_id: message.id, error: String(err) });
			message.retry({ delaySeconds: RETRY_DELAY_SECONDS });
		}
	}
}
