#!/usr/bin/env node
/**
 * `npm run dev`: `wrangler dev` for local development, with one line saying where it runs.
 *
 *   npm run dev [-- --port 8788] [-- any other wrangler dev argument]
 *
 * Allows http and loopback subscribers (ALLOW_INSECURE_TARGETS=true) and sets the admin token to
 * $ADMIN_TOKEN or `dev-admin-token`. The port is always explicit (8787 unless given): wrangler would
 * otherwise move to the next free port silently. A port other than 8787 gets its own state folder,
 * `.wrangler/state-<port>`, unless --persist-to is given, so two gateways never share one state.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const argValue = (name) => {
	const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
	if (i < 0) return undefined;
	return args[i].includes("=") ? args[i].slice(name.length + 1) : args[i + 1];
};
const port = Number(argValue("--port") ?? 8787);
const extra = [];
if (argValue("--port") === undefined) extra.push("--port", String(port));
const state = argValue("--persist-to") ?? (port === 8787 ? ".wrangler/state" : `.wrangler/state-${port}`);
if (argValue("--persist-to") === undefined && port !== 8787) extra.push("--persist-to", state);

/** Whether something already listens on the port (any address wrangler would bind). */
function busy(p) {
	return new Promise((resolve) => {
		const probe = createServer()
			.once("error", () => resolve(true))
			.once("listening", () => probe.close(() => resolve(false)))
			.listen(p);
	});
}

if (await busy(port)) {
	console.error(
		`hookfan: port ${port} is in use (another npm run dev?). Use that one, or start another with its own port and state: npm run dev -- --port ${port + 1}`,
	);
	process.exit(1);
}

const adminToken = process.env.ADMIN_TOKEN || "dev-admin-token";
console.log(
	`hookfan: http://localhost:${port}, state in ${state}, admin token ${process.env.ADMIN_TOKEN ? "$ADMIN_TOKEN" : adminToken}`,
);
const wrangler = fileURLToPath(new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url));
const vars = ["--var", "ALLOW_INSECURE_TARGETS:true", "--var", `ADMIN_TOKEN:${adminToken}`];
const child = spawn(process.execPath, [wrangler, "dev", ...vars, ...extra, ...args], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
