/**
 * The delivery guarantee across a crash: events are posted, the runtime is SIGKILLed while deliveries
 * are in flight, and restarted on the same persisted state. Every event that got a 200 is delivered,
 * first deliveries in exact sequence order; a repeat is allowed only for an attempt that was in flight.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSink } from "../support/sink-server";
import type { Received } from "../support/sink-types";
import { createTenant } from "./api";
import { type DevServer, startDev, stateDir } from "./dev-server";

const PORT = 18789;
const ADMIN = "e2e-admin-token";
const EVENTS = 40;
let sink: Awaited<ReturnType<typeof startSink>>;
let server: DevServer | null = null;

beforeAll(async () => {
	sink = await startSink();
});

afterAll(async () => {
	await server?.kill();
	sink?.server.close();
});

async function received(name: string): Promise<Received[]> {
	return (await (await fetch(`http://127.0.0.1:${sink.port}/_log/${name}`)).json()) as Received[];
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await read();
		if (done(v) || Date.now() > deadline) return v;
		await new Promise((r) => setTimeout(r, 200));
	}
}

const okSequences = (r: Received[]) =>
	r.filter((x) => x.status === 200).map((x) => JSON.parse(x.body).sequence as number);

describe("wrangler dev killed mid-delivery", () => {
	it("delivers every accepted event, in order, after a restart on the same state", async () => {
		const dir = stateDir();
		// A short delivery timeout keeps the lease on the attempt cut off by the kill short.
		const vars = { ADMIN_TOKEN: ADMIN, DELIVERY_TIMEOUT_SECONDS: "3" };
		server = await startDev(PORT, dir, vars);
		const api = await createTenant({ url: server.url, adminToken: ADMIN }, "crash");
		const source = await api<{ secret: string; ingest_url: string }>("PUT", "/v1/sources/vb", {
			provider: "voipbin",
			secret: "copied-from-voipbin",
		});
		const name = "crashsink";
		// A slow subscriber keeps an attempt in flight most of the time, so the kill lands mid-delivery.
		await api("POST", "/v1/subscriptions", {
			url: `http://127.0.0.1:${sink.port}/slow/150/${name}`,
			retry_schedule: [1, 1, 1, 1, 1],
		});

		for (let i = 1; i <= EVENTS; i++) {
			const body = JSON.stringify({ type: "call_created", data: { id: `call-${i}` } });
			const signature = `sha256=${createHmac("sha256", source.secret).update(body).digest("hex")}`;
			const res = await fetch(source.ingest_url, {
				method: "POST",
				headers: { "content-type": "application/json", "x-voipbin-signature": signature },
				body,
			});
			expect(res.status).toBe(200);
		}
		await until(
			() => received(name),
			(r) => r.length >= 8,
			30_000,
		);
		await server.kill();
		const beforeRestart = (await received(name)).length;
		expect(beforeRestart).toBeLessThan(EVENTS);

		server = await startDev(PORT, dir, vars);
		const got = await until(
			() => received(name),
			(r) => new Set(okSequences(r)).size >= EVENTS,
			90_000,
		);
		const ok = okSequences(got);
		if (new Set(ok).size < EVENTS) console.error(server.output().slice(-4000));
		const firsts = ok.filter((s, i) => ok.indexOf(s) === i);
		expect(firsts).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
		// At-least-once: at most the attempt in flight at the kill was repeated.
		expect(ok.length - EVENTS).toBeLessThanOrEqual(1);
	});
});
