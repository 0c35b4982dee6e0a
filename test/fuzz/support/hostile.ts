/**
 * Hostile values for fuzzing: strings, numbers, keys and JSON a careless parser trips on, and
 * mutations of a body's text or bytes (truncation, flipped bytes, invalid UTF-8, deep nesting).
 */
import fc from "fast-check";

/** Strings that have broken parsers, maps, SQL, logs or headers somewhere. */
export const HOSTILE_STRINGS = [
	"",
	" ",
	"\u0000",
	"\ud800",
	"\udfff",
	"\uffff",
	"\ufeff",
	"\u202e",
	"𝕳𝖔𝖔𝖐",
	"e\u0301",
	"__proto__",
	"constructor",
	"prototype",
	"toString",
	"hasOwnProperty",
	"valueOf",
	"' OR 1=1 --",
	'"; DROP TABLE events; --',
	"%00",
	"%0d%0aX-Injected: 1",
	"\r\nX-Injected: 1",
	"../../etc/passwd",
	// biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection probe, meant literally
	"${7*7}",
	"<script>alert(1)</script>",
	"9".repeat(400),
	"1e309",
	"-0",
	"NaN",
	"Infinity",
	"9999-01-01 00:00:00.000000",
	"2026-13-45 25:61:61.9999999",
	"a".repeat(5000),
] as const;

/** Numbers at the edges of what JSON and JS agree on. */
export const HOSTILE_NUMBERS = [
	0,
	-0,
	-1,
	1e308,
	-1e308,
	5e-324,
	Number.MAX_SAFE_INTEGER + 2,
	253_402_300_800,
	1e21,
	0.1,
	2 ** 31,
	-(2 ** 63),
] as const;

/** Number literals JSON.parse accepts but JS cannot hold exactly (or at all): only reachable as text. */
export const HOSTILE_NUMBER_LITERALS = [
	"1e400",
	"-1e400",
	"123456789012345678901234567890",
	"0.00000000000000000000000000000000000000000000000001",
	"1E+2",
	"-0.0e-0",
] as const;

/** Object keys that mean something to JS objects, or nothing to anyone. */
export const HOSTILE_KEYS = [
	"__proto__",
	"constructor",
	"prototype",
	"toString",
	"",
	" ",
	"\u0000",
	"é",
	"a.b",
] as const;

export const hostileString = fc.oneof(
	{ weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
	{ weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
	{ weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
);

export const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
	hostileString,
	fc.constantFrom(...HOSTILE_NUMBERS),
	fc.double(),
	fc.integer(),
	fc.boolean(),
	fc.constant(null),
);

const hostileKey = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 12 }));

/** Any JSON value, shallow, built from hostile scalars and keys. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
	value: fc.oneof(
		{ depthSize: "small", withCrossShrink: true },
		hostileScalar,
		fc.array(tie("value"), { maxLength: 4 }),
		fc.dictionary(hostileKey, tie("value"), { maxKeys: 4 }),
	),
})).value;

/** A field that is usually `expected`, sometimes of the wrong type or a hostile value. */
export function usually<T>(expected: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
	return fc.oneof({ weight: 4, arbitrary: expected as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: hostileValue });
}

/** `[[[...]]]` or `{"a":{"a":...}}` `depth` levels deep, as text (JSON.stringify would recurse). */
export function nested(depth: number, kind: "array" | "object"): string {
	return kind === "array"
		? `${"[".repeat(depth)}${"]".repeat(depth)}`
		: `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

/** Deep nesting around the 64-level limit, and far past it. */
export const deepText = fc
	.tuple(
		fc.oneof(fc.integer({ min: 60, max: 70 }), fc.constantFrom(1_000, 100_000)),
		fc.constantFrom("array", "object"),
	)
	.map(([depth, kind]) => nested(depth, kind as "array" | "object"));

/** One edit to a body's text: what transport damage, a sloppy proxy or an attacker does. */
export type TextMutation =
	| { op: "truncate"; at: number }
	| { op: "delete"; at: number; length: number }
	| { op: "insert"; at: number; text: string }
	| { op: "replace"; at: number; text: string }
	| { op: "number"; literal: string }
	| { op: "bom" }
	| { op: "append"; text: string };

export const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
	fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
	fc.record({ op: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
	fc.record({ op: fc.constant("insert" as const), at: fc.nat(), text: hostileString }),
	fc.record({ op: fc.constant("replace" as const), at: fc.nat(), text: fc.string({ minLength: 1, maxLength: 3 }) }),
	fc.record({ op: fc.constant("number" as const), literal: fc.constantFrom(...HOSTILE_NUMBER_LITERALS) }),
	fc.record({ op: fc.constant("bom" as const) }),
	fc.record({ op: fc.constant("append" as const), text: fc.constantFrom(" ", "\n", "}", ",", "\u0000", "garbage") }),
);

/** Applies a mutation; the result may or may not still parse. */
export function mutateText(text: string, m: TextMutation): string {
	const at = text.length === 0 ? 0 : ("at" in m ? m.at : 0) % text.length;
	switch (m.op) {
		case "truncate":
			return text.slice(0, at);
		case "delete":
			return text.slice(0, at) + text.slice(at + m.length);
		case "insert":
			return text.slice(0, at) + m.text + text.slice(at);
		case "replace":
			return text.slice(0, at) + m.text + text.slice(at + m.text.length);
		case "number":
			// Swap the first number literal (or a value) for one JS cannot represent.
			return /-?\d+(\.\d+)?([eE][+-]?\d+)?/.test(text)
				? text.replace(/-?\d+(\.\d+)?([eE][+-]?\d+)?/, m.literal)
				: text.replace(/:("[^"]*"|true|false|null)/, `:${m.literal}`);
		case "bom":
			return `\ufeff${text}`;
		case "append":
			return text + m.text;
	}
}

/** Bodies that are not the provider's format at all. */
export const junkBody: fc.Arbitrary<Uint8Array | string> = fc.oneof(
	fc.uint8Array({ maxLength: 600 }),
	// Invalid UTF-8: lone continuation bytes, overlong encodings, surrogates encoded as UTF-8.
	fc.constantFrom(
		new Uint8Array([0x80]),
		new Uint8Array([0xc0, 0xaf]),
		new Uint8Array([0xed, 0xa0, 0x80]),
		new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]),
		new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
	),
	fc.constantFrom("", "{", "[", "null", "true", "0", '"x"', "[1,2]", "{}", "{'a':1}", "{a:1}", '{"a":1,}', "NaN"),
	deepText,
	fc.string({ unit: "grapheme", maxLength: 200 }),
	fc.json({ maxDepth: 4 }),
);
