/**
 * What the chaos tests share: a local subscriber, a gateway tenant with a VoIPbin source, signed
 * events posted from Node, reading what the subscriber received, and the per-file setup (chaosRig).
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { createTenant } from "../e2e/api";
import type { DevServer } from "../e2e/dev-server";
import { startSink } from "../support/sink-server";
import type { Received } from "../support/sink-types";

export const ADMIN = "chaos-admin-token";

export type Sink = Awaited<ReturnType<typeof startSink>> & {
	url(behaviour: string, name: string): string;
	received(name: string): Promise<Received[]>;
	close(): void;
};

/** The local subscriber (test/support/sink-server.ts documents its behaviours by path). */
export async function sink(): Promise<Sink> {
	const s = await startSink();
	return {
		...s,
		url: (behaviour, name) => `http://127.0.0.1:${s.port}/${behaviour}/${name}`,
		received: async (name) => (await (await fetch(`http://127.0.0.1:${s.port}/_log/${name}`)).json()) as Received[],
		// A subscriber that never answers holds its connection open: drop it rather than wait.
		close: () => {
			s.server.closeAllConnections();
			s.server.close();
		},
	};
}

export type Api = Awaited<ReturnType<typeof createTenant>>;

/** A tenant with a VoIPbin source; returns its API client and a poster of signed call events. */
export async function voipbinTenant(url: string, id: string) {
	const api = await createTenant({ url, adminToken: ADMIN }, id);
	const source = await api<{ secret: string; ingest_url: string }>("PUT", "/v1/sources/vb", {
		provider: "voipbin",
		secret: "copied-from-voipbin",
	});
	return { api, ingestUrl: source.ingest_url, secret: source.secret };
}

/** A call event's body and signature, as VoIPbin sends it; `callId` makes it distinct. */
export function signedCall(secret: string, callId: string): { body: string; headers: Record<string, string> } {
	const body = JSON.stringify({ type: "call_created", data: { id: callId, tm_update: "2026-11-20 10:00:00.000000" } });
	const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
	return { body, headers: { "content-type": "application/json", "x-voipbin-signature": signature } };
}

export type Answer = { status: number; id?: string; duplicate?: boolean } | { error: string };

/** Posts one prepared request; a connection failure is an answer too (the gateway may be down). */
export async function post(
	url: string,
	req: { body: string; headers: Record<string, string> },
	timeoutMs = 10_000,
): Promise<Answer> {
	try {
		const res = await fetch(url, { method: "POST", ...req, signal: AbortSignal.timeout(timeoutMs) });
		const text = await res.text();
		if (res.status !== 200) return { status: res.status };
		const { id, duplicate } = JSON.parse(text) as { id: string; duplicate: boolean };
		return { status: 200, id, duplicate };
	} catch (err) {
		return { error: String((err as Error).cause ?? err) };
	}
}

/** Polls `read` until `done` holds or the timeout passes; returns the last reading. */
export async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await read();
		if (done(v) || Date.now() > deadline) return v;
		await new Promise((r) => setTimeout(r, 200));
	}
}

/** The envelopes a subscriber accepted (answered 2xx), in the order they arrived. */
export function delivered(received: Received[]): { id: string; sequence: number; callId: string; at: number }[] {
	return received
		.filter((r) => r.status >= 200 && r.status < 300)
		.map((r) => {
			const envelope = JSON.parse(r.body) as { id: string; sequence: number; raw: { data: { id: string } } };
			return { id: envelope.id, sequence: envelope.sequence, callId: envelope.raw.data.id, at: r.at };
		});
}

export function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** What a chaos file's tests share: a subscriber, and the runtime a test starts (stopped after the file). */
export interface Rig {
	subscriber: Sink;
	server: DevServer | null;
}

/** Starts the subscriber before the file's tests; kills the runtime and closes the subscriber after them. */
export function chaosRig(): Rig {
	const rig: Rig = { subscriber: null as unknown as Sink, server: null };
	beforeAll(async () => {
		rig.subscriber = await sink();
	});
	afterAll(async () => {
		await rig.server?.kill();
		rig.subscriber?.close();
	});
	return rig;
}
