/**
 * examples/subscriber.ts works as its comment says: run with Node's type stripping against a real
 * gateway, it verifies a delivery through `hookfan/subscriber` and handles it by its type; a forged
 * delivery gets a 400.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenant } from "./api";
import { type DevServer, startDev, stateDir } from "./dev-server";

// Ports of their own: other e2e files use 18787-18798.
const PORT = 18805;
const SUBSCRIBER_PORT = 18806;
const ADMIN = "e2e-admin-token";

let server: DevServer;
let subscriber: ChildProcess | undefined;
let output = "";

beforeAll(async () => {
	server = await startDev(PORT, stateDir(), { ADMIN_TOKEN: ADMIN });
});

afterAll(async () => {
	subscriber?.kill("SIGKILL");
	await server?.kill();
});

async function until(check: () => boolean, ms: number): Promise<void> {
	for (const end = Date.now() + ms; Date.now() < end; ) {
		if (check()) return;
		await new Promise((r) => setTimeout(r, 200));
	}
}

describe("examples/subscriber.ts", () => {
	it("receives a hangup from the gateway, typed, and refuses a forged delivery", async () => {
		const api = await createTenant({ url: server.url, adminToken: ADMIN }, "example");
		const { secret: sourceSecret } = await api<{ secret: string }>("PUT", "/v1/sources/vb", {
			provider: "voipbin",
			secret: "copied-from-voipbin",
		});
		const url = `http://127.0.0.1:${SUBSCRIBER_PORT}/`;
		const { secret } = await api<{ secret: string }>("POST", "/v1/subscriptions", { url });

		subscriber = spawn(
			process.execPath,
			["--experimental-strip-types", "--disable-warning=ExperimentalWarning", "examples/subscriber.ts"],
			{ env: { ...process.env, HOOKFAN_SECRET: secret, PORT: String(SUBSCRIBER_PORT) } },
		);
		subscriber.stdout?.on("data", (d: Buffer) => {
			output += d.toString();
		});
		subscriber.stderr?.on("data", (d: Buffer) => {
			output += d.toString();
		});
		await until(() => output.includes("listening"), 10_000);

		const body = JSON.stringify({
			type: "call_hungup",
			data: { id: "call-7", status: "hangup", direction: "incoming", hangup_reason: "normal" },
		});
		const signature = `sha256=${createHmac("sha256", sourceSecret).update(body).digest("hex")}`;
		const ingest = await fetch(`${server.url}/in/example/vb`, {
			method: "POST",
			headers: { "content-type": "application/json", "x-voipbin-signature": signature },
			body,
		});
		expect(ingest.status).toBe(200);
		await until(() => output.includes("call call-7 ended"), 30_000);
		expect(output).toContain("call call-7 ended (normal)");

		const forged = await fetch(url, {
			method: "POST",
			headers: { "webhook-id": "evt_x", "webhook-timestamp": "1", "webhook-signature": "v1,AAAA" },
			body: "{}",
		});
		expect(forged.status).toBe(400);
	});
});
