/**
 * The ordering key of a `per_key` subscription's delivery: the envelope's value at the subscription's
 * `ordering_key` JSON Pointer (RFC 6901), `/subject` by default. Computed once, at fan-out, and stored
 * on the delivery row, so dispatch never re-reads an envelope to know its key.
 */
import type { Subscription } from "../schema/subscription";
import { DEFAULT_ORDERING_KEY } from "../schema/subscription";

/** The key that events with a null or missing key share. */
export const SHARED_KEY = "";

/** The value at `pointer` in `doc` (RFC 6901), or undefined when the path does not exist. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
	if (pointer === "") return doc;
	let at: unknown = doc;
	for (const raw of pointer.slice(1).split("/")) {
		const token = raw.replaceAll("~1", "/").replaceAll("~0", "~");
		if (Array.isArray(at)) {
			if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
			at = at[Number(token)];
		} else if (at !== null && typeof at === "object" && Object.hasOwn(at, token)) {
			at = (at as Record<string, unknown>)[token];
		} else {
			return undefined;
		}
	}
	return at;
}

/**
 * The delivery row's key for `sub`: null for a subscription that is not `per_key`; else the value at
 * its pointer as text (a string as itself, anything else as its JSON), SHARED_KEY when null or missing.
 */
export function orderingKeyOf(sub: Subscription, envelope: unknown): string | null {
	if (sub.ordering !== "per_key") return null;
	const value = resolvePointer(envelope, sub.ordering_key ?? DEFAULT_ORDERING_KEY);
	if (value === null || value === undefined) return SHARED_KEY;
	return typeof value === "string" ? value : JSON.stringify(value);
}
