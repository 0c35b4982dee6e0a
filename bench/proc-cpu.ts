/**
 * CPU time used by the processes of one `wrangler dev`, read from /proc (Linux only; elsewhere the
 * ingest benchmark reports throughput and latency alone). Throughput on a shared machine moves with
 * whatever else runs; CPU time spent per request does much less, so it is the steadier measure of
 * what a route costs.
 *
 * wrangler dev (or scripts/start-worker.mjs, the same without a debugger) is three kinds of process:
 * the Node CLI (with esbuild), a workerd that serves the
 * public port (wrangler's dev proxy), and a workerd on a private port that runs the worker with its
 * local KV, Durable Objects and Queues.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export type Role = "worker" | "proxy" | "wrangler";
export const ROLES: readonly Role[] = ["worker", "proxy", "wrangler"];

export interface ProcSnapshot {
	/** CPU seconds (user + system) per role. */
	seconds: Record<Role, number>;
	/** The workerd pids, to tell whether one was replaced (a reload) between two snapshots. */
	pids: string;
}

const TICKS = (() => {
	try {
		return Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
	} catch {
		return 100;
	}
})();

interface Proc {
	pid: number;
	ppid: number;
	ticks: number;
	args: string[];
}

function readProc(pid: number): Proc | null {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
		// Fields after the command name, which is in parentheses and may itself hold spaces.
		const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
		const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
		return { pid, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), args };
	} catch {
		return null; // exited meanwhile
	}
}

function allProcs(): Proc[] {
	return readdirSync("/proc")
		.filter((name) => /^\d+$/.test(name))
		.map((name) => readProc(Number(name)))
		.filter((p): p is Proc => p !== null);
}

/** True on systems with a Linux /proc. */
export function procAvailable(): boolean {
	try {
		readFileSync("/proc/self/stat");
		return true;
	} catch {
		return false;
	}
}

/** The CPU time so far of the wrangler dev serving `port`, by role; null when it cannot be found. */
export function snapshot(port: number): ProcSnapshot | null {
	const procs = allProcs();
	const root = procs.find(
		(p) =>
			portOf(p) === port &&
			((p.args.includes("dev") && p.args.some((a) => a.endsWith("wrangler.js"))) ||
				p.args.some((a) => a.endsWith("start-worker.mjs"))),
	);
	if (!root) return null;
	const family = new Set([root.pid]);
	// Parents are listed before children often but not always: repeat until nothing joins.
	for (let grew = true; grew; ) {
		grew = false;
		for (const p of procs) {
			if (!family.has(p.pid) && family.has(p.ppid)) {
				family.add(p.pid);
				grew = true;
			}
		}
	}
	const seconds: Record<Role, number> = { worker: 0, proxy: 0, wrangler: 0 };
	const pids: string[] = [];
	for (const p of procs) {
		if (!family.has(p.pid)) continue;
		const role = roleOf(p, port);
		seconds[role] += p.ticks / TICKS;
		// Short-lived helpers of the CLI come and go; only a replaced workerd makes a sample unusable.
		if (role !== "wrangler") pids.push(`${p.pid}:${role}`);
	}
	return { seconds, pids: pids.sort().join(",") };
}

function portOf(p: Proc): number | null {
	const at = p.args.indexOf("--port");
	return at === -1 ? null : Number(p.args[at + 1]);
}

function roleOf(p: Proc, port: number): Role {
	if (!(p.args[0] ?? "").endsWith("workerd")) return "wrangler";
	return p.args.some((a) => a === `--socket-addr=entry=127.0.0.1:${port}`) ? "proxy" : "worker";
}
