/**
 * `hookfan listen` and `hookfan events tail` in the cases the real gateway cannot easily produce, against
 * a fake one serving the polling subscription contract (test/e2e/fake-gateway.ts): a local server that is
 * down, the gateway answering 503, a subscription deleted under the command. The happy path (a real
 * source, the real gateway, a local server verifying with `standardwebhooks`) is in test/e2e/cli.test.ts.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, type RunningCli, startCli } from "./cli-run";
import { type FakeGateway, startFakeGateway } from "./fake-gateway";
import { startVerifyingServer, type VerifyingServer } from "./verifying-server";

const KEY = "hf_test_key";

let gateway: FakeGateway;
let local: VerifyingServer;
let cli: RunningCli | undefined;
const args = () => ["--url", gateway.url, "--key", KEY];

beforeAll(async () => {
	gateway = await startFakeGateway(KEY);
	// The developer's server answers 500 to `call.*` events and 200 to the rest.
	local = await startVerifyingServer((e) => (e.type.startsWith("call.") ? 500 : 200));
});

afterEach(async () => {
	await cli?.stop("SIGKILL");
	cli = undefined;
});

afterAll(async () => {
	await gateway.close();
	await new Promise((r) => local.server.close(r));
});

describe("hookfan listen --forward-to", () => {
	it("prints the error when the local server is down, and goes on", async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
		const downUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/hooks`;
		await new Promise((r) => closed.close(r));

		cli = startCli(["listen", ...args(), "--forward-to", downUrl], cliEnv());
		await cli.waitFor(/Signing secret/);
		const event = gateway.publish("message.received");
		await cli.waitFor(new RegExp(`${event.id} +-> error: ECONNREFUSED`));
	});

	it("keeps a subscription with --keep, reuses it with --subscription, and polls through gateway errors", async () => {
		cli = startCli(["listen", ...args(), "--forward-to", local.url, "--keep"], cliEnv());
		const [, kept] = await cli.waitFor(/polling subscription (sub_\w+)/);
		const [, secret] = await cli.waitFor(/Signing secret: (whsec_\S+)/);
		await cli.stop("SIGINT");
		expect(cli.output()).toContain(`Kept subscription ${kept}`);
		expect(gateway.subscriptions.has(kept as string)).toBe(true);

		local.secret = secret as string;
		gateway.failNextPolls(1);
		const reuse = ["--subscription", kept as string, "--secret", secret as string];
		cli = startCli(["listen", ...args(), "--forward-to", local.url, ...reuse], cliEnv());
		await cli.waitFor(new RegExp(`Reading polling subscription ${kept}`));
		const event = gateway.publish("message.received");
		await cli.waitFor(new RegExp(`${event.id} +-> 200`), 15_000);
		expect(cli.errors()).toMatch(/Gateway unreachable \(Unavailable \(503 unavailable\)\); retrying in 1 s/);
		expect(await cli.stop("SIGTERM")).toBe(143);
		expect(gateway.subscriptions.has(kept as string)).toBe(true);
	});
});

describe("hookfan events tail", () => {
	it("prints one JSON envelope a line with --json, in order", async () => {
		cli = startCli(["events", "tail", ...args(), "--json"], cliEnv());
		await cli.waitFor(/Created polling subscription/); // on stderr: stdout is only envelopes
		const events = [gateway.publish("message.received"), gateway.publish("call.hangup")];
		await cli.waitFor(new RegExp(events[1]?.id as string));
		const lines = cli
			.output()
			.trim()
			.split("\n")
			.map((l) => JSON.parse(l) as { id: string });
		expect(lines.map((l) => l.id)).toEqual(events.map((e) => e.id));
		expect(await cli.stop("SIGINT")).toBe(130);
	});

	it("says which subscription is gone when it is deleted under it", async () => {
		cli = startCli(["events", "tail", ...args()], cliEnv());
		const [, subscription] = await cli.waitFor(/polling subscription (sub_\w+)/);
		gateway.subscriptions.delete(subscription as string);
		gateway.publish("message.received");
		expect(await cli.exited).toBe(1);
		expect(cli.errors()).toContain(`hookfan: polling subscription ${subscription} no longer exists`);
	});
});
