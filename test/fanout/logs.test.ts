/** Structured logs: one JSON object per line with identifiers and outcomes, never secrets or bodies. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { VOIPBIN_SECRET, voipbinCall, voipbinRequest } from "../builders/voipbin";
import { ingestOk, postIngest } from "../support/ingest";
import { sinkName, sinkUrl, waitFor } from "../support/sink";
import { freshTenant, seedSource } from "../support/sources";
import { subscribe, TEST_SECRET } from "../support/subscriptions";

afterEach(() => vi.restoreAllMocks());

function captureLogs(): () => Record<string, unknown>[] {
	const lines: string[] = [];
	for (const level of ["log", "warn", "error"] as const) {
		vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
			lines.push(args.map(String).join(" "));
		});
	}
	return () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("logs", () => {
	it("record each ingest and attempt with tenant, source, event, subscription, outcome and latency, and no secrets or payload", async () => {
		const logs = captureLogs();
		const tenant = freshTenant();
		await seedSource(tenant, "vb", { provider: "voipbin", secret: VOIPBIN_SECRET });
		const sink = sinkName();
		const sub = await subscribe(tenant, { url: sinkUrl("ok", sink) });
		const req = await voipbinRequest(voipbinCall("call_created", { id: "call-log", note: "PAYLOAD-MARKER" }));
		const accepted = await ingestOk(tenant, "vb", req);
		await postIngest(tenant, "vb", { ...req, body: req.body.replace("call-log", "forged") });
		await waitFor(sink, (r) => r.length >= 1);
		await new Promise((r) => setTimeout(r, 100));

		const lines = logs();
		expect(lines.find((l) => l.msg === "ingest accepted")).toMatchObject({
			level: "info",
			tenant,
			source: "vb",
			event_id: accepted.id,
			outcome: "appended",
			latency_ms: expect.any(Number),
		});
		expect(lines.find((l) => l.msg === "ingest rejected")).toMatchObject({
			level: "warn",
			tenant,
			outcome: "bad_signature",
		});
		expect(lines.find((l) => l.msg === "delivery attempt")).toMatchObject({
			tenant,
			subscription: sub,
			event_id: accepted.id,
			status: 200,
			outcome: "delivered",
			latency_ms: expect.any(Number),
		});
		const all = JSON.stringify(lines);
		for (const secret of [VOIPBIN_SECRET, TEST_SECRET, "PAYLOAD-MARKER", req.headers["x-voipbin-signature"] ?? "x"]) {
			expect(all).not.toContain(secret);
		}
	});
});
