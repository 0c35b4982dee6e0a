#!/usr/bin/env node
/**
 * Runs the gateway as `wrangler dev` does (same wrangler, workerd, config and local KV, Queues and
 * Durable Objects), but with no debugger attached. `wrangler dev` always attaches one, and every
 * console.log then travels as a DevTools message through wrangler's proxy to its Node process, which
 * a deployed Worker never does. The benchmarks use this to measure the gateway rather than the debugger.
 *
 *   node scripts/start-worker.mjs --port 8787 [--persist-to DIR] [--var NAME:VALUE ...]
 *
 * Runs until killed.
 */
import { parseArgs } from "node:util";
import { unstable_startWorker } from "wrangler";

const { values } = parseArgs({
	options: {
		port: { type: "string", default: "8787" },
		"persist-to": { type: "string" },
		var: { type: "string", multiple: true, default: [] },
	},
});

const bindings = Object.fromEntries(
	values.var.map((pair) => {
		const at = pair.indexOf(":");
		return [pair.slice(0, at), { type: "plain_text", value: pair.slice(at + 1) }];
	}),
);

const worker = await unstable_startWorker({
	config: "wrangler.toml",
	bindings,
	dev: {
		inspector: false,
		watch: false,
		server: { hostname: "127.0.0.1", port: Number(values.port) },
		...(values["persist-to"] ? { persist: values["persist-to"] } : {}),
	},
});
await worker.ready;
console.log(`hookfan ready on ${await worker.url} (no debugger attached)`);
