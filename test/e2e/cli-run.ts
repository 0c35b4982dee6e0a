/** Runs the `hookfan` bin as a user would, in a child process with its own config directory. */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const BIN = join(process.cwd(), "cli", "hookfan.mjs");

/** A fresh XDG_CONFIG_HOME, so no test reads a developer's own `hookfan login`. */
export const configHome = () => mkdtempSync(join(tmpdir(), "hookfan-cli-"));

/** The environment without the caller's HOOKFAN_* settings, plus `extra`. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("HOOKFAN_")));
	return { ...env, XDG_CONFIG_HOME: configHome(), ...extra };
}

export interface CliResult {
	code: number;
	stdout: string;
	stderr: string;
}

/** Runs one command to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
	return new Promise((resolve) => {
		execFile(process.execPath, [BIN, ...args], { env, timeout: 30_000 }, (err, stdout, stderr) => {
			const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
			resolve({ code, stdout, stderr });
		});
	});
}

/** A long-running command (`listen`, `events tail`) whose output the test watches. */
export interface RunningCli {
	child: ChildProcess;
	output(): string;
	errors(): string;
	/** The exit code, once it exits. */
	exited: Promise<number | null>;
	/** Resolves once stdout (or stderr) matches, or rejects with what was printed. */
	waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
	/** Sends a signal and resolves with the exit code. */
	stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv): RunningCli {
	const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
	let out = "";
	let err = "";
	child.stdout?.on("data", (d: Buffer) => {
		out += d.toString();
	});
	child.stderr?.on("data", (d: Buffer) => {
		err += d.toString();
	});
	const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
	return {
		child,
		output: () => out,
		errors: () => err,
		exited,
		async waitFor(pattern, timeoutMs = 10_000) {
			const until = Date.now() + timeoutMs;
			while (Date.now() < until) {
				const m = out.match(pattern) ?? err.match(pattern);
				if (m) return m;
				if (child.exitCode !== null) break;
				await new Promise((r) => setTimeout(r, 50));
			}
			throw new Error(`no ${pattern} in stdout:\n${out}\nstderr:\n${err}`);
		},
		async stop(signal = "SIGINT") {
			if (child.exitCode === null) child.kill(signal);
			return exited;
		},
	};
}
