/**
 * The proofs the ingest fuzz sends: valid token proofs in every placement, and forgeries (no proof,
 * junk, near misses, wrong secrets, other bodies, duplicated headers) that must never verify.
 */
import fc from "fast-check";
import { toBase64, utf8 } from "../../../src/crypto/bytes";
import { hostileString } from "./hostile";

export const SECRET = "Fuzz-Secret-0123456789abcdef";
export const OTHER = "Fuzz-Secret-0123456789abcdeF";
export const WHSEC = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
export const OTHER_WHSEC = "whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY=";
export const CLIENT_ID = "4242";

/** Headers as sent: a list, so a name may repeat (fetch joins repeats with ", "). */
export interface Proof {
	headers: [string, string][];
	query?: string;
	/** The body, when the proof lives in it (Telerivet's `secret` field). */
	body?: string;
}

/** A proof that must not verify, named for the report. */
export interface Forgery {
	name: string;
	make(raw: Uint8Array<ArrayBuffer>, now: number): Promise<Proof>;
	toString(): string;
}

export const forgery = (name: string, make: Forgery["make"]): Forgery => ({ name, make, toString: () => name });
export const header = (name: string, value: string): Proof => ({ headers: [[name, value]] });
export const decoder = new TextDecoder();

export function parsed(raw: Uint8Array): unknown {
	try {
		return JSON.parse(decoder.decode(raw));
	} catch {
		return undefined;
	}
}

/**
 * Header values fetch will carry: printable ASCII (CR, LF and NUL cannot be sent at all, and workerd
 * re-encodes anything past ASCII as UTF-8), hostile otherwise.
 */
export const headerJunk = fc.oneof(
	hostileString.map((s) => s.replace(/[^\x20-\x7e]/g, "")),
	fc.constantFrom("sha256=", "v1,", "v1,AAAA", "Basic", "Token", "Basic !!!", "sha256=zz", "\t", " , , "),
);

/** Wrong versions of a right token: off by one character, case, length, or empty. */
export function nearMisses(token: string): fc.Arbitrary<string> {
	return fc.oneof(
		fc.constantFrom("", `${token}x`, token.slice(0, -1), token.toUpperCase(), `${token.slice(0, -1)}~`),
		fc.nat(token.length - 1).map((i) => `${token.slice(0, i)}${token[i] === "a" ? "b" : "a"}${token.slice(i + 1)}`),
	);
}

export function tokenProof(style: number, token = SECRET): Proof {
	switch (style % 5) {
		case 0:
			return header("authorization", `Token ${token}`);
		case 1:
			return header("authorization", `bearer ${token}`);
		case 2:
			return header("authorization", `Basic ${toBase64(utf8(`anyone:${token}`))}`);
		case 3:
			return { headers: [], query: `?token=${encodeURIComponent(token)}` };
		default:
			return header("authorization", `TOKEN   ${token}  `);
	}
}

export const tokenForgeries: fc.Arbitrary<Forgery> = fc.oneof(
	fc.constant(forgery("no token", async () => ({ headers: [] }))),
	fc
		.tuple(nearMisses(SECRET), fc.nat(4))
		.map(([t, s]) => forgery(`token ${JSON.stringify(t)}`, async () => tokenProof(s, t))),
	headerJunk.map((v) => forgery(`authorization ${JSON.stringify(v)}`, async () => header("authorization", v))),
	fc.constant(
		forgery("wrong header, right query", async () => ({
			headers: [["authorization", "Token nope"]],
			query: `?token=${SECRET}`,
		})),
	),
	fc.constant(forgery("repeated query, wrong first", async () => ({ headers: [], query: `?token=x&token=${SECRET}` }))),
	fc.constant(
		forgery("duplicate authorization", async () => ({
			headers: [
				["authorization", `Token ${SECRET}`],
				["authorization", `Token ${SECRET}`],
			],
		})),
	),
	fc.constant(forgery("Basic without colon", async () => header("authorization", `Basic ${btoa(SECRET)}`))),
);

export function signatureForgeries(
	sign: (secret: string, raw: Uint8Array<ArrayBuffer>) => Promise<string>,
	name: string,
) {
	return fc.oneof(
		fc.constant(forgery("no signature", async () => ({ headers: [] }))),
		headerJunk.map((v) => forgery(`${name} ${JSON.stringify(v)}`, async () => header(name, v))),
		fc.constant(forgery("wrong secret", async (raw) => header(name, await sign(OTHER, raw)))),
		fc.constant(
			forgery("another body's signature", async (raw) =>
				header(name, await sign(SECRET, utf8(`${decoder.decode(raw)} `))),
			),
		),
		fc.constant(forgery("bare hex", async (raw) => header(name, (await sign(SECRET, raw)).replace(/^sha256=/, "")))),
		fc.constant(forgery("truncated", async (raw) => header(name, (await sign(SECRET, raw)).slice(0, -1)))),
		fc.constant(
			forgery("duplicate header", async (raw) => ({
				headers: [
					[name, await sign(SECRET, raw)],
					[name, "sha256=00"],
				],
			})),
		),
		fc.constant(forgery("the secret as a token", async () => header("authorization", `Token ${SECRET}`))),
		fc.constant(forgery("the secret in the query", async () => ({ headers: [], query: `?token=${SECRET}` }))),
	);
}
