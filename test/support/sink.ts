/** The test side of the local subscriber (see sink-server.ts): URLs to give subscriptions, and what arrived. */
import { inject } from "vitest";
import type { Received } from "./sink-types";

export type { Received };

const base = () => `http://127.0.0.1:${inject("sinkPort")}`;

let counter = 0;
/** A sink name no other test uses. */
export function sinkName(prefix = "s"): string {
	counter += 1;
	return `${prefix}${Date.now().toString(36)}${counter}`;
}

/** A subscriber URL: `behaviour` is a path prefix such as "ok", "flaky", "status/410", "fail/2". */
export function sinkUrl(behaviour: string, sink: string, query = ""): string {
	return `${base()}/${behaviour}/${sink}${query}`;
}

export async function received(sink: string): Promise<Received[]> {
	const res = await fetch(`${base()}/_log/${sink}`);
	return (await res.json()) as Received[];
}

/** Polls until `done(received)` holds or the timeout passes; returns the last reading. */
export async function waitFor(sink: string, done: (r: Received[]) => boolean, timeoutMs = 15_000): Promise<Received[]> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const r = await received(sink);
		if (done(r) || Date.now() > until) return r;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}
