/**
 * A restart of the local runtime keeps the log: an event accepted before a hard kill is still
 * known afterwards (its repeat is a duplicate with the same id) and sequencing continues.
 */
import { afterEach, describe, expect, it } from "vitest";
import { utf8 } from "../../src/crypto/bytes";
import { signVoipbin } from "../../src/verify/voipbin";
import { type DevServer, putLocalKv, startDev, stateDir } from "./dev-server";

const PORT = 18787;
const SECRET = "e2e-voipbin-secret";
let server: DevServer | null = null;

afterEach(async () => {
	await server?.kill();
	server = null;
});

async function post(url: string, callId: string) {
	const body = JSON.stringify({ type: "call_created", data: { id: callId, tm_update: "2026-11-20 10:00:00" } });
	const res = await fetch(`${url}/in/acme/vb`, {
		method: "POST",
		headers: { "content-type": "application/json", "x-voipbin-signature": await signVoipbin(SECRET, utf8(body)) },
		body,
	});
	return { status: res.status, body: (await res.json()) as { id: string; duplicate: boolean } };
}

describe("wrangler dev, killed hard and restarted on the same state", () => {
	it("keeps every accepted event", async () => {
		const dir = stateDir();
		await putLocalKv(dir, "source:acme:vb", JSON.stringify({ provider: "voipbin", secret: SECRET }));

		server = await startDev(PORT, dir);
		const first = await post(server.url, "before-crash");
		expect(first).toEqual({ status: 200, body: { id: expect.stringMatching(/^evt_/), duplicate: false } });
		await server.kill();

		server = await startDev(PORT, dir);
		expect(await post(server.url, "before-crash")).toEqual({
			status: 200,
			body: { id: first.body.id, duplicate: true },
		});
		expect((await post(server.url, "after-restart")).body.duplicate).toBe(false);
	});
});
