/**
 * Consumer of the DELIVERIES queue: unordered deliveries, many in parallel across invocations. Each
 * message is a reference (object, subscription, sequence), never the body: the tenant's Durable Object
 * hands out the current URL, secrets and exact envelope bytes at claim time, so a paused subscription
 * or a rotated secret takes effect at once, and no message nears the queue's 128 KB limit.
 */
import { z } from "zod";
import { log } from "../log";
import { attemptDelivery } from "./deliver";

export const DeliveryJobSchema = z.object({
	object: z.string().regex(/^[0-9a-f]{64}$/),
	sub_id: z.string(),
	seq: z.number().int().positive(),
});

/** Waits before retrying a job whose Durable Object could not be reached. */
const UNREACHABLE_RETRY_SECONDS = 30;

async function deliverOne(message: Message, env: Env): Promise<void> {
	const job = DeliveryJobSchema.safeParse(message.body);
	if (!job.success) {
		log("error", "dropping unreadable delivery job", { message_id: message.id });
		return message.ack();
	}
	const tenantLog = env.TENANT.get(env.TENANT.idFromString(job.data.object));
	try {
		const attempt = await tenantLog.claim(job.data.sub_id, job.data.seq);
		if (!attempt) return message.ack();
		const at = Date.now();
		const outcome = await attemptDelivery(attempt, at);
		const next = await tenantLog.report(job.data.sub_id, job.data.seq, outcome, at);
		if (next) message.retry({ delaySeconds: next.retry_delay_seconds });
		else message.ack();
	} catch (err) {
		// The log could not be reached: the job stays queued in the log under its lease, and comes back.
		log("error", "delivery job failed", { message_id: message.id, subscription: job.data.sub_id, error: String(err) });
		message.retry({ delaySeconds: UNREACHABLE_RETRY_SECONDS });
	}
}

/** Delivers a batch's jobs concurrently: each is an independent unordered delivery. */
export async function consumeDeliveries(batch: MessageBatch, env: Env): Promise<void> {
	await Promise.all(batch.messages.map((m) => deliverOne(m, env)));
}
