/**
 * A polling subscription's cursor survives a hard restart of the runtime: a consumer that kept a
 * cursor continues exactly after what it had, and the stored position it acknowledged is still there.
 */
import { afterEach, describe, expect, it } from "vitest";
import { utf8 } from "../../src/crypto/bytes";
import { signVoipbin } from "../../src/verify/voipbin";
import { createTenant } from "./api";
import { type DevServer, startDev, stateDir } from "./dev-server";

// Its own port: the other e2e files use 18787-18799 and 18805-18806.
const PORT = 18807;
const ADMIN = "polling-e2e-admin";
const SECRET = "polling-e2e-voipbin";
let server: DevServer | null = null;

afterEach(async () => {
	await server?.kill();
	server = null;
});

type Page = { data: { id: string; sequence: number }[]; next_cursor: string };

async function post(url: string, callId: string): Promise<string> {
	const body = JSON.stringify({ type: "call_created", data: { id: callId, tm_update: "2026-11-20 10:00:00" } });
	const res = await fetch(`${url}/in/acme/vb`, {
		method: "POST",
		headers: { "content-type": "application/json", "x-voipbin-signature": await signVoipbin(SECRET, utf8(body)) },
		body,
	});
	expect(res.status).toBe(200);
	return ((await res.json()) as { id: string }).id;
}

describe("a polling subscription across a hard restart of wrangler dev", () => {
	it("resumes from a kept cursor and from its stored position", async () => {
		const dir = stateDir();
		server = await startDev(PORT, dir, { ADMIN_TOKEN: ADMIN });
		const api = await createTenant({ url: server.url, adminToken: ADMIN }, "acme");
		await api("PUT", "/v1/sources/vb", { provider: "voipbin", secret: SECRET });
		const { id } = await api<{ id: string }>("POST", "/v1/subscriptions", { type: "polling", event_types: ["call.*"] });
		const before = [await post(server.url, "a"), await post(server.url, "b"), await post(server.url, "c")];

		const first = await api<Page>("GET", `/v1/subscriptions/${id}/poll?limit=2`);
		expect(first.data.map((e) => e.id)).toEqual(before.slice(0, 2));
		// Acknowledge the first event only: the stored position is now after it.
		const acked = await api<Page>("GET", `/v1/subscriptions/${id}/poll?limit=1`);
		await api<Page>("GET", `/v1/subscriptions/${id}/poll?cursor=${acked.next_cursor}&limit=1`);
		const kept = first.next_cursor;
		await server.kill();

		server = await startDev(PORT, dir, { ADMIN_TOKEN: ADMIN });
		const after = await post(server.url, "d");
		// The stored position (after the first event) survived: a poll without a cursor starts there.
		const stored = await api<Page>("GET", `/v1/subscriptions/${id}/poll`);
		expect(stored.data.map((e) => e.id)).toEqual([before[1], before[2], after]);
		// The kept cursor continues exactly after what the consumer had.
		const resumed = await api<Page>("GET", `/v1/subscriptions/${id}/poll?cursor=${kept}`);
		expect(resumed.data.map((e) => e.id)).toEqual([before[2], after]);
		expect(resumed.data.map((e) => e.sequence)).toEqual([3, 4]);
	});
});
