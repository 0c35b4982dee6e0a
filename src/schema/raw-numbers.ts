/**
 * Numbers in a provider's JSON that a JavaScript number cannot carry digit for digit: integers past
 * 2^53 (`8202522731445525542` parses as `8202522731445525000`), non-finite literals (`1e400` parses as
 * Infinity and serializes as `null`), `-0`, and any spelling JSON.stringify would change (`1.0`, `1e2`).
 *
 * Verifying and normalizing work on the ordinary `JSON.parse` result. Ingest lists where such numbers
 * sit in the envelope's `raw` and the text the provider sent for each (`exactNumbers`); the list
 * travels beside the envelope as plain data (it survives Durable Object RPC, the EVENTS queue and the
 * KV spool, which `JSON.rawJSON` values do not), and the log writes the envelope's JSON with those
 * numbers spliced back (`envelopeJson`), so deliveries and the stored envelope carry them exactly.
 * V8's JSON.parse source text access (the reviver's `context.source`) and `JSON.rawJSON` do the work.
 */
import { z } from "zod";

/** A JSON number literal, exactly as RFC 8259 spells one (what `JSON.rawJSON` accepts). */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** One number of `raw` whose text the parsed value would not reproduce: where it sits, and its text. */
export const RawNumberSchema = z.object({
	/** Keys and array indexes from `raw` down to the number. */
	path: z.array(z.union([z.string(), z.number().int().min(0)])).max(100),
	/** The number as the provider wrote it. */
	text: z.string().regex(JSON_NUMBER).max(1_100_000),
});
export type RawNumber = z.infer<typeof RawNumberSchema>;

type Path = (string | number)[];

interface RawJsonApi {
	rawJSON(text: string): unknown;
	isRawJSON(value: unknown): boolean;
}
// Both exist in V8 (workerd and Node 22); the lib types of this TypeScript version do not declare them.
const RAW = JSON as unknown as RawJsonApi;

/** True when the parsed number would serialize back to exactly the provider's text. */
function roundTrips(value: number, text: string): boolean {
	return JSON.stringify(value) === text;
}

function collect(value: unknown, path: Path, out: RawNumber[]): void {
	if (RAW.isRawJSON(value)) {
		out.push({ path: [...path], text: (value as { rawJSON: string }).rawJSON });
		return;
	}
	if (value === null || typeof value !== "object") return;
	if (Array.isArray(value)) {
		value.forEach((child, i) => {
			path.push(i);
			collect(child, path, out);
			path.pop();
		});
		return;
	}
	for (const [key, child] of Object.entries(value)) {
		path.push(key);
		collect(child, path, out);
		path.pop();
	}
}

/** `JSON.parse` whose numbers that would not round-trip are `JSON.rawJSON` values, so `JSON.stringify` writes them back exactly. */
function parseLossless(text: string): { value: unknown; lossy: boolean } {
	let lossy = false;
	const value = JSON.parse(text, (_key, v: unknown, context?: { source?: string }) => {
		if (typeof v !== "number" || context?.source === undefined || roundTrips(v, context.source)) return v;
		lossy = true;
		return RAW.rawJSON(context.source);
	});
	return { value, lossy };
}

/**
 * Parses a stored envelope for an API answer that is serialized with `JSON.stringify` in this same
 * isolate: its numbers come out digit for digit. (The values do not survive structured cloning.)
 */
export function parseExactJson(text: string): unknown {
	return parseLossless(text).value;
}

/** The value at `path` in `root`, own properties only; undefined when there is none. */
function at(root: unknown, path: readonly (string | number)[]): unknown {
	let node = root;
	for (const key of path) {
		if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return undefined;
		node = (node as Record<string | number, unknown>)[key];
	}
	return node;
}

/**
 * The numbers of a JSON body that do not survive `JSON.parse` and `JSON.stringify`, restricted to those
 * still present, with the same value, in `raw` (the normalizer's copy, which may drop a secret). Empty
 * for nearly every body; `text` must be a JSON text that parsed before.
 */
export function exactNumbers(text: string, raw: unknown): RawNumber[] {
	const { value: lossless, lossy } = parseLossless(text);
	if (!lossy) return [];
	const found: RawNumber[] = [];
	collect(lossless, [], found);
	return found.filter((n) => {
		const value = at(raw, n.path);
		return typeof value === "number" && Object.is(value, Number(n.text));
	});
}

/**
 * The JSON text of an envelope whose `raw` carries `numbers` exactly as the provider sent them. The
 * envelope itself is not changed. An entry whose path holds no number is ignored (the list is checked
 * at ingest; this keeps a bad one from ever corrupting the text).
 */
export function envelopeJson(envelope: { raw: unknown }, numbers: readonly RawNumber[] | undefined): string {
	if (!numbers || numbers.length === 0) return JSON.stringify(envelope);
	const raw = structuredClone(envelope.raw);
	for (const { path, text } of numbers) {
		const last = path[path.length - 1];
		const parent = at(raw, path.slice(0, -1));
		if (last === undefined || parent === null || typeof parent !== "object" || !Object.hasOwn(parent, last)) continue;
		const holder = parent as Record<string | number, unknown>;
		if (typeof holder[last] === "number") holder[last] = RAW.rawJSON(text);
	}
	return JSON.stringify({ ...envelope, raw });
}
