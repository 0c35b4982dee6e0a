/**
 * The `hookfan` CLI against a real `wrangler dev`, run as a user runs it (the bin, in a child
 * process, with its own config directory): tenants, sources, subscriptions and events, as tables,
 * as JSON, and as problem+json errors with a non-zero exit.
 */
import { createHmac } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, configHome, runCli, startCli } from "./cli-run";
import { type DevServer, startDev, stateDir } from "./dev-server";
import { startVerifyingServer } from "./verifying-server";

// Its own port: the other e2e files use 18787-18798.
const PORT = 18799;
const ADMIN = "cli-e2e-admin-token";

let server: DevServer;
let subscriber: Server;
let hookUrl: string;
let key: string;
/** Runs the CLI as tenant `cli-e2e`, with the gateway and key as flags. */
const hookfan = (...args: string[]) => runCli([...args, "--url", server.url, "--key", key], cliEnv());

beforeAll(async () => {
	server = await startDev(PORT, stateDir(), { ADMIN_TOKEN: ADMIN });
	subscriber = createServer((_req, res) => res.writeHead(204).end());
	await new Promise<void>((resolve) => subscriber.listen(0, "127.0.0.1", resolve));
	hookUrl = `http://127.0.0.1:${(subscriber.address() as AddressInfo).port}/hooks`;
});

afterAll(async () => {
	await server?.kill();
	await new Promise((r) => subscriber?.close(r));
});

describe("hookfan tenants create", () => {
	it("creates a tenant with the admin token and shows its API key once", async () => {
		const env = cliEnv({ HOOKFAN_URL: server.url, HOOKFAN_ADMIN_TOKEN: ADMIN });
		const res = await runCli(["tenants", "create", "cli-e2e", "--name", "CLI tests", "--json"], env);
		expect(res.code, res.stderr).toBe(0);
		const created = JSON.parse(res.stdout) as { id: string; api_key: string };
		expect(created.id).toBe("cli-e2e");
		expect(created.api_key).toMatch(/^hf_/);
		key = created.api_key;

		const table = await runCli(
			["tenants", "create", "cli-e2e-2", "--admin-token", ADMIN, "--url", server.url],
			cliEnv(),
		);
		expect(table.stdout).toMatch(/^tenant +cli-e2e-2$/m);
		expect(table.stdout).toMatch(/^api key +hf_\S+$/m);
	});

	it("prints the problem's title and exits 1 on a wrong admin token, or none", async () => {
		const wrong = await runCli(["tenants", "create", "x", "--admin-token", "nope", "--url", server.url], cliEnv());
		expect(wrong.code).toBe(1);
		expect(wrong.stderr).toMatch(/^hookfan: Unauthorized.*\(401 unauthorized\)/);

		const none = await runCli(["tenants", "create", "x", "--url", server.url], cliEnv());
		expect(none.code).toBe(1);
		expect(none.stderr).toContain("no admin token");
	});

	it("shows a conflict as the API words it", async () => {
		const res = await runCli(["tenants", "create", "cli-e2e", "--admin-token", ADMIN, "--url", server.url], cliEnv());
		expect(res.code).toBe(1);
		expect(res.stderr).toContain("A tenant with this id exists (409 tenant_exists)");
	});
});

describe("hookfan login and settings", () => {
	it("stores the URL and key in a 0600 file that later commands use", async () => {
		const home = configHome();
		const env = { ...cliEnv(), XDG_CONFIG_HOME: home };
		const login = await runCli(["login", "--url", server.url, "--key", key], env);
		expect(login.code, login.stderr).toBe(0);
		const file = join(home, "hookfan", "config.json");
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ url: server.url, key });

		const list = await runCli(["sources", "list"], env);
		expect(list.code, list.stderr).toBe(0);

		// The environment beats the file, and a flag beats the environment.
		const envWins = await runCli(["sources", "list"], { ...env, HOOKFAN_KEY: "hf_wrong" });
		expect(envWins.code).toBe(1);
		expect(envWins.stderr).toContain("401");
		const flagWins = await runCli(["sources", "list", "--key", key], { ...env, HOOKFAN_KEY: "hf_wrong" });
		expect(flagWins.code, flagWins.stderr).toBe(0);
	});

	it("refuses to store a key the gateway refuses", async () => {
		const home = configHome();
		const res = await runCli(["login", "--url", server.url, "--key", "hf_wrong"], {
			...cliEnv(),
			XDG_CONFIG_HOME: home,
		});
		expect(res.code).toBe(1);
		expect(() => statSync(join(home, "hookfan", "config.json"))).toThrow();
	});

	it("says how to give a key when there is none", async () => {
		const res = await runCli(["sources", "list", "--url", server.url], cliEnv());
		expect(res.code).toBe(1);
		expect(res.stderr).toContain("no API key: pass --key hf_..., set HOOKFAN_KEY, or run `hookfan login`");
	});
});

describe("hookfan sources", () => {
	it("creates a source with its secret shown once, and lists it", async () => {
		const created = await hookfan("sources", "create", "vb", "--provider", "voipbin", "--secret", "vb-secret");
		expect(created.code, created.stderr).toBe(0);
		expect(created.stdout).toMatch(new RegExp(`^ingest url +${server.url}/in/cli-e2e/vb$`, "m"));
		expect(created.stdout).toMatch(/^secret +vb-secret$/m);

		const ccai = await hookfan("sources", "create", "cc", "--provider", "cloudcontactai", "--set", "client_id=1231");
		expect(ccai.stdout).toMatch(/^client_id +1231$/m);

		const list = await hookfan("sources", "list");
		expect(list.stdout).toMatch(/^ID +PROVIDER +INGEST URL$/m);
		expect(list.stdout).toMatch(new RegExp(`^vb +voipbin +${server.url}/in/cli-e2e/vb$`, "m"));
		expect(list.stdout).not.toContain("vb-secret");

		const json = JSON.parse((await hookfan("sources", "list", "--json")).stdout) as { data: { id: string }[] };
		expect(json.data.map((s) => s.id).sort()).toEqual(["cc", "vb"]);
	});

	it("prints the validation issues when the API refuses the body", async () => {
		const res = await hookfan("sources", "create", "cc2", "--provider", "cloudcontactai");
		expect(res.code).toBe(1);
		expect(res.stderr).toMatch(/does not fit the schema \(422 validation_failed\)\n {2}client_id: /);
	});

	it("lists a source's refused requests with the reason, a hint and the counts, and names an unknown source", async () => {
		const empty = await hookfan("sources", "rejections", "vb");
		expect(empty.code, empty.stderr).toBe(0);
		expect(empty.stdout).toBe("No refused requests for vb.\n");

		const body = JSON.stringify({ type: "call_hungup", data: { id: "call-r" } });
		const signature = `sha256=${createHmac("sha256", "not-vb-secret").update(body).digest("hex")}`;
		const refused = await fetch(`${server.url}/in/cli-e2e/vb`, {
			method: "POST",
			headers: { "content-type": "application/json", "x-voipbin-signature": signature, "user-agent": "Mailroom/9.1" },
			body,
		});
		expect(refused.status).toBe(401);
		// Ingest reports the refusal after answering: wait for it.
		let res = await hookfan("sources", "rejections", "vb");
		for (let i = 0; i < 40 && !res.stdout.includes("signature_mismatch"); i++) {
			await new Promise((r) => setTimeout(r, 250));
			res = await hookfan("sources", "rejections", "vb");
		}
		expect(res.code, res.stderr).toBe(0);
		expect(res.stdout).toMatch(/^AT +REASON +DETAIL +REQUEST +USER AGENT$/m);
		expect(res.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +signature_mismatch +- +POST \d+ B +Mailroom\/9\.1$/m);
		expect(res.stdout).toMatch(/^1 refused since .*: signature_mismatch 1/m);
		expect(res.stdout).toContain("signature_mismatch: The signature does not match");
		expect(res.stdout).not.toContain(signature);

		const json = JSON.parse((await hookfan("sources", "rejections", "vb", "--json")).stdout) as {
			data: { reason: string; header_names: string[] }[];
			counts: { total: number };
		};
		expect(json.data[0]).toMatchObject({ reason: "signature_mismatch" });
		expect(json.data[0]?.header_names).toContain("x-voipbin-signature");
		expect(json.counts.total).toBe(1);

		const unknown = await hookfan("sources", "rejections", "nope");
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toContain("Not found (404 not_found)");
	});
});

describe("hookfan subscriptions and events", () => {
	let subscription: string;

	it("creates a subscription with its secret, lists, pauses and resumes it", async () => {
		const created = await hookfan("subscriptions", "create", "--endpoint", hookUrl, "--types", "call.*", "--json");
		expect(created.code, created.stderr).toBe(0);
		const sub = JSON.parse(created.stdout) as { id: string; secret: string; event_types: string[] };
		expect(sub.secret).toMatch(/^whsec_/);
		expect(sub.event_types).toEqual(["call.*"]);
		subscription = sub.id;

		const list = await hookfan("subscriptions", "list");
		expect(list.stdout).toMatch(new RegExp(`^${subscription} +active +${hookUrl} +call\\.\\* +all$`, "m"));
		expect((await hookfan("subscriptions", "pause", subscription)).stdout).toBe(`${subscription} is paused\n`);
		expect((await hookfan("subscriptions", "resume", subscription)).stdout).toBe(`${subscription} is active\n`);
	});

	it("lists and shows an event that came in, and replays it", async () => {
		const body = JSON.stringify({
			type: "call_hungup",
			data: { id: "call-1", status: "hangup", direction: "incoming", hangup_reason: "normal" },
		});
		const signature = `sha256=${createHmac("sha256", "vb-secret").update(body).digest("hex")}`;
		const ingest = await fetch(`${server.url}/in/cli-e2e/vb`, {
			method: "POST",
			headers: { "content-type": "application/json", "x-voipbin-signature": signature },
			body,
		});
		const { id } = (await ingest.json()) as { id: string };

		const list = await hookfan("events", "list", "--type", "call.hangup");
		expect(list.stdout).toMatch(/^SEQ +ID +TYPE +SOURCE +RECEIVED$/m);
		expect(list.stdout).toMatch(
			new RegExp(`^1 +${id} +call\\.hangup +vb +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$`, "m"),
		);

		// Fan-out runs after the ingest answered: wait for the subscription's delivery row.
		const deliveryRow = new RegExp(`^${subscription} +(pending|queued|delivered) +\\d+`, "m");
		let show = await hookfan("events", "show", id);
		for (let i = 0; i < 40 && !deliveryRow.test(show.stdout); i++) {
			await new Promise((r) => setTimeout(r, 250));
			show = await hookfan("events", "show", id);
		}
		expect(show.stdout).toMatch(new RegExp(`^id +${id}$`, "m"));
		expect(show.stdout).toMatch(/^provider_type +call_hungup$/m);
		expect(show.stdout).toMatch(deliveryRow);
		const detail = JSON.parse((await hookfan("events", "show", id, "--json")).stdout) as { envelope: { id: string } };
		expect(detail.envelope.id).toBe(id);

		const replay = await hookfan("subscriptions", "replay", subscription, "--since-sequence", "1");
		expect(replay.code, replay.stderr).toBe(0);
		expect(replay.stdout).toBe(`Replaying 1 event(s) to ${subscription}\n`);
	});

	it("refuses a replay without a starting point before calling the API", async () => {
		const res = await hookfan("subscriptions", "replay", subscription);
		expect(res.code).toBe(1);
		expect(res.stderr).toContain("give exactly one of --since-sequence or --since");
	});

	it("answers an unknown event with the API's 404", async () => {
		const res = await hookfan("events", "show", "evt_nope");
		expect(res.code).toBe(1);
		expect(res.stderr).toBe("hookfan: Not found (404 not_found)\n");
	});
});

describe("hookfan listen and events tail, against the gateway's polling subscriptions", () => {
	/** Posts a VoIPbin call event, signed, to the real source `vb`; returns its event id. */
	async function postCall(callId: string, type = "call_hungup"): Promise<string> {
		const body = JSON.stringify({ type, data: { id: callId, status: "hangup", direction: "incoming" } });
		const signature = `sha256=${createHmac("sha256", "vb-secret").update(body).digest("hex")}`;
		const res = await fetch(`${server.url}/in/cli-e2e/vb`, {
			method: "POST",
			headers: { "content-type": "application/json", "x-voipbin-signature": signature },
			body,
		});
		expect(res.status).toBe(200);
		return ((await res.json()) as { id: string }).id;
	}

	it("forwards events posted to a real source to a local server that verifies them, and deletes its subscription on Ctrl-C", async () => {
		const local = await startVerifyingServer();
		const cli = startCli(
			["listen", "--url", server.url, "--key", key, "--forward-to", local.url, "--types", "call.hangup"],
			cliEnv(),
		);
		try {
			const [, subscription] = await cli.waitFor(/Created polling subscription (sub_\w+)/, 30_000);
			const [, secret] = await cli.waitFor(/Signing secret: (whsec_\S+)/);
			local.secret = secret as string;
			const list = await hookfan("subscriptions", "list");
			expect(list.stdout).toMatch(new RegExp(`^${subscription} +active +\\(polling\\) +call\\.hangup +all$`, "m"));

			const first = await postCall("listen-1");
			await postCall("listen-skip", "call_created"); // not in --types
			const second = await postCall("listen-2");
			await cli.waitFor(new RegExp(`${second} +-> 200 in \\d+ ms`), 60_000);
			expect(cli.output()).toMatch(new RegExp(`call\\.hangup +${first} +-> 200 in \\d+ ms`));
			expect(local.verified).toEqual([first, second]);
			expect(local.refused).toEqual([]);

			expect(await cli.stop("SIGINT")).toBe(130);
			expect(cli.output()).toContain(`Deleted subscription ${subscription}`);
			expect((await hookfan("subscriptions", "list")).stdout).not.toContain(subscription);
		} finally {
			await cli.stop("SIGKILL");
			await new Promise((r) => local.server.close(r));
		}
	});

	it("tails a kept subscription from where it stopped with --subscription, one JSON envelope a line", async () => {
		const created = await hookfan("subscriptions", "create", "--polling", "--types", "call.*", "--json");
		expect(created.code, created.stderr).toBe(0);
		const sub = JSON.parse(created.stdout) as { id: string; type: string; secret?: string; url?: string };
		expect(sub).toMatchObject({ type: "polling" });
		expect(sub.secret).toBeUndefined();
		const early = await postCall("tail-1"); // before the tail starts: read from the stored position

		const cli = startCli(
			["events", "tail", "--url", server.url, "--key", key, "--subscription", sub.id, "--json"],
			cliEnv(),
		);
		try {
			await cli.waitFor(new RegExp(early), 30_000);
			const later = await postCall("tail-2");
			await cli.waitFor(new RegExp(later), 60_000);
			const ids = cli
				.output()
				.trim()
				.split("\n")
				.map((l) => (JSON.parse(l) as { id: string }).id);
			expect(ids).toEqual([early, later]);
			expect(await cli.stop("SIGINT")).toBe(130);
			expect((await hookfan("subscriptions", "show", sub.id)).stdout).toMatch(/^target +\(polling\)$/m);
		} finally {
			await cli.stop("SIGKILL");
		}
	});
});
