/** Small, forgiving readers for provider payload fields, shared by the normalizers. */

/** A string or number as a string; anything else (including "") as null. */
export function text(value: unknown): string | null {
	if (typeof value === "string") return value === "" ? null : value;
	if (typeof value === "number" && Number.isFinite(value)) return String(value);
	return null;
}

/** An object's field, when the value is a plain object. */
export function field(value: unknown, key: string): unknown {
	return value !== null && typeof value === "object" && !Array.isArray(value)
		? (value as Record<string, unknown>)[key]
		: undefined;
}

/** Unix seconds (number or numeric string) to ISO 8601; null when absent or out of range. */
export function fromUnixSeconds(value: unknown): string | null {
	const n = typeof value === "string" && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
	if (typeof n !== "number" || !Number.isFinite(n) || n <= 0 || n > 253_402_300_799) return null;
	return new Date(n * 1000).toISOString();
}

/** An ISO 8601 / RFC 3339 string to canonical ISO; null when it does not parse. */
export function fromIso(value: unknown): string | null {
	if (typeof value !== "string" || value === "") return null;
	const ms = Date.parse(value);
	return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Unix seconds or an ISO string, whichever the sender used. */
export function fromUnixOrIso(value: unknown): string | null {
	return fromUnixSeconds(value) ?? fromIso(value);
}
