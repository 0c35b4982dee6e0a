/**
 * A stand-in for the gateway's polling-subscription routes, as the CLI's `listen` and `events tail`
 * use them, until the gateway serves them itself: a real HTTP server on loopback implementing the
 * contract (create, long-poll with an opaque cursor, delete), with a log the test publishes to.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeEnvelope {
	id: string;
	type: string;
	source: string;
	sequence: number;
	received_at: string;
	data: Record<string, unknown>;
}

interface FakeSubscription {
	id: string;
	event_types: string[];
	/** The durable position: the log index a poll without a cursor starts at. */
	position: number;
}

export interface FakeGateway {
	url: string;
	/** Request lines as received, e.g. `DELETE /v1/subscriptions/sub_1`. */
	requests: string[];
	/** Bodies of POST /v1/subscriptions. */
	created: Record<string, unknown>[];
	subscriptions: Map<string, FakeSubscription>;
	publish(type: string, source?: string): FakeEnvelope;
	/** The next n polls answer 503 (the gateway restarting, say). */
	failNextPolls(n: number): void;
	close(): Promise<void>;
}

const matches = (patterns: string[], type: string) =>
	patterns.some((p) => p === "*" || p === type || (p.endsWith(".*") && type.startsWith(p.slice(0, -1))));

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
}

/** Starts the fake on a free loopback port; `key` is the only API key it accepts. */
export async function startFakeGateway(key: string): Promise<FakeGateway> {
	const log: FakeEnvelope[] = [];
	const subscriptions = new Map<string, FakeSubscription>();
	const waiters = new Set<() => void>();
	const requests: string[] = [];
	const created: Record<string, unknown>[] = [];
	let failures = 0;
	let nextSub = 1;

	const problem = (status: number, code: string, title: string) => ({
		status,
		body: { type: `https://hookfan.dev/problems/${code}`, title, status, code },
	});

	/** The envelopes a subscription sees from log index `from` on, up to `limit`, and where to go on. */
	function page(sub: FakeSubscription, from: number, limit: number) {
		const data: FakeEnvelope[] = [];
		let at = from;
		for (; at < log.length && data.length < limit; at++) {
			const e = log[at] as FakeEnvelope;
			if (matches(sub.event_types, e.type)) data.push(e);
		}
		return { data, next: at };
	}

	async function handle(req: IncomingMessage): Promise<{ status: number; body?: unknown }> {
		const url = new URL(req.url ?? "/", "http://fake");
		requests.push(`${req.method} ${url.pathname}`);
		if (req.headers.authorization !== `Bearer ${key}`) return problem(401, "unauthorized", "Unauthorized");
		if (req.method === "POST" && url.pathname === "/v1/subscriptions") {
			const body = await readJson(req);
			created.push(body);
			if (body.type !== "polling") return problem(422, "validation_failed", "only polling here");
			const sub = {
				id: `sub_fake${nextSub++}`,
				event_types: (body.event_types as string[]) ?? ["*"],
				position: log.length,
			};
			subscriptions.set(sub.id, sub);
			return { status: 201, body: { id: sub.id, type: "polling", event_types: sub.event_types, status: "active" } };
		}
		const m = url.pathname.match(/^\/v1\/subscriptions\/([^/]+)(\/poll)?$/);
		const sub = m ? subscriptions.get(m[1] as string) : undefined;
		if (!m || !sub) return problem(404, "not_found", "Not found");
		if (req.method === "DELETE" && !m[2]) {
			subscriptions.delete(sub.id);
			return { status: 204 };
		}
		if (req.method !== "GET" || !m[2]) return problem(405, "method_not_allowed", "Method not allowed");
		if (failures > 0) {
			failures--;
			return problem(503, "unavailable", "Unavailable");
		}
		const cursor = url.searchParams.get("cursor");
		const from = cursor === null ? sub.position : Number(cursor.replace(/^c/, ""));
		// Passing a cursor back acknowledges what came before it: that is the durable position now.
		sub.position = from;
		const limit = Number(url.searchParams.get("limit") ?? 100);
		const until = Date.now() + Number(url.searchParams.get("wait") ?? 0) * 1000;
		let result = page(sub, from, limit);
		while (result.data.length === 0 && Date.now() < until && subscriptions.has(sub.id)) {
			await new Promise<void>((resolve) => {
				const timer = setTimeout(done, until - Date.now());
				function done() {
					clearTimeout(timer);
					waiters.delete(done);
					resolve();
				}
				waiters.add(done);
			});
			result = page(sub, from, limit);
		}
		return { status: 200, body: { data: result.data, next_cursor: `c${result.next}` } };
	}

	const server: Server = createServer((req, res) => {
		handle(req).then(
			({ status, body }) => {
				const type = status >= 400 ? "application/problem+json" : "application/json";
				res.writeHead(status, body === undefined ? {} : { "content-type": type });
				res.end(body === undefined ? undefined : JSON.stringify(body));
			},
			(err: Error) => res.writeHead(500).end(err.message),
		);
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		requests,
		created,
		subscriptions,
		publish(type, source = "vb") {
			const sequence = log.length + 1;
			const envelope = {
				id: `evt_fake${String(sequence).padStart(4, "0")}`,
				type,
				source,
				sequence,
				received_at: new Date().toISOString(),
				data: { n: sequence },
			};
			log.push(envelope);
			for (const wake of [...waiters]) wake();
			return envelope;
		},
		failNextPolls(n) {
			failures = n;
		},
		close: () =>
			new Promise<void>((resolve) => {
				for (const wake of [...waiters]) wake();
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
