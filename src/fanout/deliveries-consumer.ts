/**
 * Consumer of the DELIVERIES queue: unordered deliveries, many in parallel across invocations. Each
 * message is a reference (object, subscription, sequence), never the body: the tenant's Durable Object
 * hands out the current URL, secrets and exact envelope bytes at claim time, so a paused subscription
 * or a rotated secret takes effect at once, and no message nears the queue's 128 KB limit.
 *
 * A slow subscriber must not hold the others: a batch is done only when its handler returns, and the
 * queue sends the next batch after that (locally always, on Cloudflare whenever it runs one consumer),
 * so the handler waits for its attempts only for SETTLE_BUDGET_MS. An attempt still running then goes
 * on under `waitUntil`, which with the `queue_consumer_no_wait_for_wait_until` compatibility flag no
 * longer holds the batch open (docs/guarantees.md, "Isolation").
 */
import { z } from "zod";
import { log } from "../log";
import { attemptDelivery } from "./deliver";

export const DeliveryJobSchema = z.object({
	object: z.string().regex(/^[0-9a-f]{64}$/),
	sub_id: z.string(),
	seq: z.number().int().positive(),
});
type DeliveryJob = z.infer<typeof DeliveryJobSchema>;

/** Waits before retrying a job whose Durable Object could not be reached. */
const UNREACHABLE_RETRY_SECONDS = 30;
/** How long a batch waits for its attempts; later ones finish under waitUntil, off the batch. */
export const SETTLE_BUDGET_MS = 500;

/** What becomes of a job: done, or back on the queue after a delay. */
interface Settler {
	ack(): void;
	retry(delaySeconds: number): Promise<void>;
}

/** Claims, attempts and reports one job; tells `settler` what becomes of it. */
async function deliverOne(job: DeliveryJob, message: Message, env: Env, settler: Settler): Promise<void> {
	const tenantLog = env.TENANT.get(env.TENANT.idFromString(job.object));
	try {
		const attempt = await tenantLog.claim(job.sub_id, job.seq);
		if (!attempt) return settler.ack();
		// The subscription's pace holds it (its rate limit, a Retry-After): back on the queue until then.
		if ("retry_in_ms" in attempt) return await settler.retry(Math.max(1, Math.ceil(attempt.retry_in_ms / 1000)));
		const at = Date.now();
		const outcome = await attemptDelivery(attempt, at);
		const next = await tenantLog.report(job.sub_id, job.seq, outcome, at);
		if (next) await settler.retry(next.retry_delay_seconds);
		else settler.ack();
	} catch (err) {
		// The log could not be reached: the job stays queued in the log under its lease, and comes back.
		log("error", "delivery job failed", { message_id: message.id, subscription: job.sub_id, error: String(err) });
		await settler.retry(UNREACHABLE_RETRY_SECONDS);
	}
}

/**
 * Delivers a batch's jobs concurrently (each is an independent unordered delivery), acking or retrying
 * each as soon as it settles, and returns after at most SETTLE_BUDGET_MS. A job still running then is
 * acknowledged with the batch and finishes under `ctx.waitUntil`; if it must be retried it goes back
 * on the queue as a new message, and if that invocation is cut short the Durable Object's lease on the
 * delivery (the timeout plus 10 s) expires and the alarm sends the job again.
 */
export async function consumeDeliveries(batch: MessageBatch, env: Env, ctx: ExecutionContext): Promise<void> {
	const running: Promise<void>[] = [];
	const unsettled = new Set<Message>();
	let late = false;
	for (const message of batch.messages) {
		const job = DeliveryJobSchema.safeParse(message.body);
		if (!job.success) {
			log("error", "dropping unreadable delivery job", { message_id: message.id });
			message.ack();
			continue;
		}
		unsettled.add(message);
		const settler: Settler = {
			ack: () => {
				if (unsettled.delete(message)) message.ack();
			},
			retry: async (delaySeconds) => {
				// message.retry means nothing once the batch has returned: send the job afresh instead.
				if (unsettled.delete(message)) message.retry({ delaySeconds });
				else if (late) await env.DELIVERIES.send(job.data, { contentType: "json", delaySeconds });
			},
		};
		const done = deliverOne(job.data, message, env, settler);
		running.push(done);
		ctx.waitUntil(done);
	}
	let timer: ReturnType<typeof setTimeout> | null = null;
	await Promise.race([
		Promise.all(running),
		new Promise((resolve) => {
			timer = setTimeout(resolve, SETTLE_BUDGET_MS);
		}),
	]);
	clearTimeout(timer);
	// What has not settled is acknowledged with the batch; its attempt goes on under waitUntil.
	late = true;
	for (const message of unsettled) message.ack();
	unsettled.clear();
}
