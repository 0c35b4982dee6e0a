/** Parses a raw request body in the format its provider uses (the registry entry names it). */

/** How a provider's requests carry their body: JSON, or `application/x-www-form-urlencoded` fields. */
export type BodyFormat = "json" | "form";

export type ParsedBody = { ok: true; body: unknown } | { ok: false; detail: string };

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Nesting deeper than this is refused: no provider sends it, and it costs stack to walk. */
const MAX_DEPTH = 64;

function depthWithin(value: unknown, limit: number): boolean {
	if (value === null || typeof value !== "object") return true;
	if (limit === 0) return false;
	for (const child of Object.values(value)) if (!depthWithin(child, limit - 1)) return false;
	return true;
}

/**
 * Form fields as a record: one value as a string, a repeated field as a string array.
 * `__proto__` and friends stay plain keys because the record has no prototype.
 */
export function parseForm(text: string): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = Object.create(null);
	for (const [key, value] of new URLSearchParams(text)) {
		const prev = out[key];
		out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
	}
	return { ...out };
}

/** Decodes UTF-8 strictly and parses JSON or a form; never throws. */
export function parseBody(raw: Uint8Array, format: BodyFormat): ParsedBody {
	let text: string;
	try {
		text = decoder.decode(raw);
	} catch {
		return { ok: false, detail: "The body is not valid UTF-8." };
	}
	if (format === "form") return { ok: true, body: parseForm(text) };
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch (err) {
		return { ok: false, detail: `The body is not valid JSON: ${(err as Error).message}` };
	}
	if (!depthWithin(body, MAX_DEPTH)) return { ok: false, detail: `The body nests deeper than ${MAX_DEPTH} levels.` };
	return { ok: true, body };
}
