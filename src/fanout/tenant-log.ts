/**
 * One Durable Object per tenant: its ordered event log. Ingest calls `append` and answers 200 only
 * after the event is committed here. Storage lives in ./log-store; this class stays thin.
 */
import { DurableObject } from "cloudflare:workers";
import { AppendInputSchema } from "./hand-off";
import { type AppendResult, appendEvent, migrate } from "./log-store";

export class TenantLog extends DurableObject<Env> {
	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		// SQL is synchronous, but blockConcurrencyWhile makes the guarantee explicit: no RPC runs
		// against a half-migrated schema.
		void ctx.blockConcurrencyWhile(async () => migrate(ctx.storage));
	}

	/** Dedupes, sequences and stores one event. Idempotent by (source, dedupe key) and by event id. */
	async append(input: unknown): Promise<AppendResult> {
		// RPC input is a trust boundary: re-parse it.
		const parsed = AppendInputSchema.parse(input);
		return appendEvent(this.ctx.storage, parsed, Date.now()).result;
	}
}
