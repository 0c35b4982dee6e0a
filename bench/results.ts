/**
 * Where the benchmarks put their results (Node side): printed, and written as `{name}.md` and
 * `{name}.json` to BENCH_OUT (default: hookfan-bench in the system temp directory), outside the
 * repository so a run never leaves files to commit or lint.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { RESULT_MARK } from "./bench-types.ts";

export const RESULTS_DIR = resolve(process.env.BENCH_OUT ?? join(tmpdir(), "hookfan-bench"));

/**
 * BENCH_INSPECTOR: "off" (default) runs the local runtime without a debugger attached
 * (scripts/start-worker.mjs), as deployed Workers run; "on" runs `wrangler dev` itself, which attaches
 * one and forwards every log line through it.
 */
export const WITH_INSPECTOR = process.env.BENCH_INSPECTOR === "on";
export const RUNTIME_LABEL = WITH_INSPECTOR
	? "wrangler dev (debugger attached, as `npm run dev` runs)"
	: "the local runtime without a debugger (scripts/start-worker.mjs: wrangler's startWorker, inspector off)";

/** Prints a result's markdown and writes it with its JSON data. */
export function writeResult(name: string, markdown: string, data: unknown): void {
	mkdirSync(RESULTS_DIR, { recursive: true });
	const stamp = { written_at: new Date().toISOString(), node: process.version };
	writeFileSync(join(RESULTS_DIR, `${name}.json`), `${JSON.stringify({ ...stamp, ...(data as object) }, null, 2)}\n`);
	writeFileSync(join(RESULTS_DIR, `${name}.md`), `${markdown}\n`);
	process.stdout.write(`\n${markdown}\n\n(written to ${join(RESULTS_DIR, name)}.md and .json)\n\n`);
}

/**
 * A vitest `onConsoleLog` hook for the workerd benchmarks, which cannot write files: a log line
 * starting with RESULT_MARK is a result to write and print; the gateway's own structured logs (one
 * JSON line per request) are dropped, since a benchmark makes thousands of requests.
 */
export function captureResult(log: string): boolean | undefined {
	const at = log.indexOf(RESULT_MARK);
	if (at !== -1) {
		const data = JSON.parse(log.slice(at + RESULT_MARK.length)) as { name: string; markdown: string };
		writeResult(data.name, data.markdown, data);
		return false;
	}
	return log.startsWith('{"msg":') ? false : undefined;
}
