/**
 * Runs the real gateway as a newcomer does, `wrangler dev` on workerd with its local KV, Queues and
 * Durable Objects, persisted to a directory so a restart finds the same state. `kill()` is SIGKILL to
 * the whole process group: no graceful shutdown, the way a crash or a power cut ends it.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const WRANGLER = join(process.cwd(), "node_modules", "wrangler", "bin", "wrangler.js");
const START_WORKER = join(process.cwd(), "scripts", "start-worker.mjs");

export interface DevServer {
	url: string;
	kill(): Promise<void>;
	output(): string;
}

/** A fresh directory for persisted local state. */
export function stateDir(): string {
	return mkdtempSync(join(tmpdir(), "hookfan-e2e-"));
}

async function ready(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (Date.now() < until) {
		if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
		try {
			if ((await fetch(`${url}/healthz`)).ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error("wrangler dev did not become ready");
}

/** Whether anything accepts connections on the loopback port. */
async function listening(port: number): Promise<boolean> {
	try {
		await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
		return true;
	} catch {
		return false;
	}
}

/**
 * Starts `wrangler dev` on `port` with state in `persistTo`, and waits until it answers. Refuses a
 * busy port: a leftover server answering there would silently stand in for the one under test.
 * `inspector: false` runs the same runtime through scripts/start-worker.mjs, without the debugger
 * that `wrangler dev` always attaches (the benchmarks' default).
 */
export async function startDev(
	port: number,
	persistTo: string,
	vars: Record<string, string> = {},
	{ inspector = true }: { inspector?: boolean } = {},
): Promise<DevServer> {
	if (await listening(port))
		throw new Error(`port ${port} is already in use; is an earlier wrangler dev still running?`);
	const varArgs = Object.entries({ ALLOW_INSECURE_TARGETS: "true", ...vars }).flatMap(([k, v]) => [
		"--var",
		`${k}:${v}`,
	]);
	const common = ["--port", String(port), "--persist-to", persistTo, ...varArgs];
	const child = spawn(
		process.execPath,
		inspector ? [WRANGLER, "dev", "--ip", "127.0.0.1", "--inspector-port", "0", ...common] : [START_WORKER, ...common],
		{
			detached: true,
			stdio: ["ignore", "pipe", "pipe"],
			env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
		},
	);
	let log = "";
	child.stdout?.on("data", (d: Buffer) => {
		log += d.toString();
	});
	child.stderr?.on("data", (d: Buffer) => {
		log += d.toString();
	});
	const url = `http://127.0.0.1:${port}`;
	try {
		await ready(url, child, 60_000);
	} catch (err) {
		process.kill(-(child.pid ?? 0), "SIGKILL");
		throw new Error(`${(err as Error).message}\n${log}`);
	}
	return {
		url,
		output: () => log,
		kill: async () => {
			if (child.exitCode !== null) return;
			const exited = new Promise((r) => child.once("exit", r));
			process.kill(-(child.pid ?? 0), "SIGKILL");
			await exited;
			// The runtime is a grandchild; wait until the port is really free before anyone reuses it.
			for (let i = 0; i < 50 && (await listening(port)); i++) await new Promise((r) => setTimeout(r, 100));
		},
	};
}

/** Writes a KV value into the persisted local state, as `wrangler kv key put --local` does. */
export async function putLocalKv(persistTo: string, key: string, value: string): Promise<void> {
	await promisify(execFile)(process.execPath, [
		WRANGLER,
		"kv",
		"key",
		"put",
		"--binding",
		"CONFIG",
		"--local",
		"--persist-to",
		persistTo,
		key,
		value,
	]);
}
