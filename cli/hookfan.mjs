#!/usr/bin/env node
// The `hookfan` bin: runs cli/main.ts on Node's own TypeScript type stripping, with no build step.
// Node 22.18+ strips types by default; 22.12-22.17 need the flag, so the CLI runs in a child
// process given it (and the child gets our signals: Ctrl-C must reach its cleanup).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
	process.stderr.write(`hookfan needs Node.js 22.12 or later (this is ${process.version})\n`);
	process.exit(1);
}
if (process.features.typescript) {
	const { main } = await import(new URL("./main.ts", import.meta.url).href);
	process.exitCode = await main(process.argv);
} else {
	const flags = ["--experimental-strip-types", "--disable-warning=ExperimentalWarning"];
	const child = spawn(process.execPath, [...flags, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
		stdio: "inherit",
	});
	for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
	child.on("exit", (code, signal) => {
		process.exitCode = code ?? (signal === "SIGINT" ? 130 : 143);
	});
}
