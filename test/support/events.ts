/** Posts a stream of distinct, correctly signed events into a tenant, for fan-out tests. */
import { VOIPBIN_SECRET, voipbinCall, voipbinRequest } from "../builders/voipbin";
import { type Accepted, ingestOk } from "./ingest";
import { seedSource } from "./sources";

/** Creates a VoIPbin source `source` for the tenant. */
export function seedVoipbin(tenant: string, source = "vb"): Promise<void> {
	return seedSource(tenant, source, { provider: "voipbin", secret: VOIPBIN_SECRET });
}

/** Posts `count` distinct call events (call ids c1..cN) in order; returns the acceptances. */
export async function postCalls(
	tenant: string,
	count: number,
	opts: { source?: string; type?: string; from?: number } = {},
): Promise<Accepted[]> {
	const out: Accepted[] = [];
	for (let i = opts.from ?? 1; i < (opts.from ?? 1) + count; i++) {
		const payload = voipbinCall(opts.type ?? "call_created", { id: `c${i}` });
		out.push(await ingestOk(tenant, opts.source ?? "vb", await voipbinRequest(payload)));
	}
	return out;
}
