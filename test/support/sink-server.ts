/**
 * A real HTTP subscriber for tests, run in Node by vitest's globalSetup (tests reach it over
 * loopback from workerd). The path chooses its behaviour; every request is recorded per sink:
 *
 *   /ok/<sink>                         200
 *   /flaky/<sink>?rate=0.3             500 with that probability, else 200
 *   /status/<code>/<sink>              always <code>
 *   /fail/<n>/<sink>                   500 for the first n requests, then 200
 *   /retry-after/<value>/<sink>        503 + Retry-After: <value> the first time, then 200
 *   /slow/<ms>/<sink>                  200 after <ms>
 *   /redirect/<sink>                   302 to /ok/<sink>
 *   GET /_log/<sink>                   the recorded requests, as JSON
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Received } from "./sink-types";

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on("data", (c: Buffer) => chunks.push(c));
		req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
		req.on("error", reject);
	});
}

/** Starts the sink on an ephemeral loopback port. */
export async function startSink(): Promise<{ server: Server; port: number }> {
	const log = new Map<string, Received[]>();
	const server = createServer(async (req, res) => {
		const url = new URL(req.url ?? "/", "http://sink");
		const parts = url.pathname.split("/").filter(Boolean);
		if (req.method === "GET" && parts[0] === "_log") {
			res.writeHead(200, { "content-type": "application/json" });
			res.end(JSON.stringify(log.get(parts[1] ?? "") ?? []));
			return;
		}
		const body = await readBody(req);
		const sink = parts.at(-1) ?? "";
		const seen = log.get(sink) ?? [];
		// Stored before any await below: concurrent first requests to a sink must share one array.
		log.set(sink, seen);
		let status = 200;
		const headers: Record<string, string> = {};
		switch (parts[0]) {
			case "flaky":
				status = Math.random() < Number(url.searchParams.get("rate") ?? "0.3") ? 500 : 200;
				break;
			case "status":
				status = Number(parts[1]);
				break;
			case "fail":
				status = seen.length < Number(parts[1]) ? 500 : 200;
				break;
			case "retry-after":
				if (seen.length === 0) {
					status = 503;
					headers["retry-after"] = decodeURIComponent(parts[1] ?? "1");
				}
				break;
			case "slow":
				await new Promise((r) => setTimeout(r, Number(parts[1])));
				break;
			case "redirect":
				status = 302;
				headers.location = `/ok/${sink}`;
				break;
		}
		seen.push({
			path: url.pathname,
			headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
			body,
			status,
			at: Date.now(),
		});
		log.set(sink, seen);
		res.writeHead(status, headers);
		res.end(status < 300 ? "ok" : "no");
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	return { server, port: (server.address() as AddressInfo).port };
}
