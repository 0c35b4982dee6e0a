/**
 * The requests the ingest fuzz sends, as fast-check arbitraries over one provider's senders:
 * proven requests with hostile bodies, forged proofs, replays with changed bodies, oversize bodies,
 * and requests to paths that are not sources.
 */
import fc from "fast-check";
import { hostileString, junkBody, type TextMutation, textMutation } from "./hostile";
import { type Forgery, headerJunk } from "./proofs";
import type { Sender } from "./senders";

/** A body: a provider payload (maybe damaged after encoding), or something else entirely. */
export type BodySpec = { payload: unknown; mutation: TextMutation | null } | { junk: Uint8Array | string };

export interface ContentType {
	value: string | null;
	/** Whether the provider's format accepts it: a wrong one may be refused with 415. */
	fits: boolean;
}

interface Common {
	sender: number;
	method: "POST" | "PUT";
	contentType: ContentType;
	/** Extra headers no proof reads: proxies' additions, lies about the body. */
	noise: [string, string][];
}

export type IngestCase =
	| ({ kind: "proven"; body: BodySpec; style: number } & Common)
	| ({ kind: "forged"; body: BodySpec; forgery: Forgery } & Common)
	| ({ kind: "replay"; payload: unknown; mutation: TextMutation; style: number } & Common)
	| ({ kind: "oversize"; proven: boolean; stream: boolean; style: number } & Common)
	| ({ kind: "at-limit"; payload: unknown; style: number } & Common)
	| { kind: "elsewhere"; path: string; method: string; noise: [string, string][] };

function contentTypes(format: "json" | "form"): fc.Arbitrary<ContentType> {
	const fitting =
		format === "json"
			? ["application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/vnd.x+json", null]
			: ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8", null];
	const wrong = [
		"text/plain",
		format === "json" ? "application/x-www-form-urlencoded" : "application/json",
		"application/json, text/html",
		"multipart/form-data; boundary=x",
		"application/jsonx",
	];
	return fc.oneof(
		{ weight: 12, arbitrary: fc.constantFrom(...fitting).map((value) => ({ value, fits: true })) },
		{ weight: 1, arbitrary: fc.constantFrom(...wrong).map((value) => ({ value, fits: false })) },
	);
}

/** Headers no proof reads. Content-Length lies are among them: the runtime must not trust them. */
const noise: fc.Arbitrary<[string, string][]> = fc.oneof(
	{ weight: 8, arbitrary: fc.constant<[string, string][]>([]) },
	{
		weight: 1,
		arbitrary: fc.array(
			fc.tuple(
				fc.constantFrom("x-forwarded-for", "cookie", "user-agent", "x-mailroom-mode", "accept", "content-length"),
				fc.oneof(headerJunk, fc.constantFrom("0", "-1", "99999999999", "1e3", "abc")),
			),
			{ minLength: 1, maxLength: 3 },
		),
	},
);

function bodySpec(sender: Sender): fc.Arbitrary<BodySpec> {
	return fc.oneof(
		{ weight: 6, arbitrary: sender.payload.map((payload) => ({ payload, mutation: null })) },
		{ weight: 2, arbitrary: fc.record({ payload: sender.payload, mutation: textMutation }) },
		{ weight: 1, arbitrary: junkBody.map((junk) => ({ junk })) },
	);
}

/** A segment of a path that is not a configured source: unknown slugs, non-slugs, traversal. */
const segment = fc.oneof(
	fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,8}$/),
	fc.constantFrom("..", "%2e%2e", "UPPER", "a".repeat(64), "-x", "x_y", "%2F", "%00", "in", ""),
	hostileString.map(encodePathSegment),
);

/** Percent-encodes a segment; a lone surrogate (which encodeURIComponent refuses) as its raw UTF-8 bytes. */
function encodePathSegment(s: string): string {
	try {
		return encodeURIComponent(s);
	} catch {
		return "%ED%A0%80";
	}
}

export function ingestCases(tenant: string, senders: Sender[]): fc.Arbitrary<IngestCase> {
	return fc.integer({ min: 0, max: senders.length - 1 }).chain((sender) => {
		const s = senders[sender] as Sender;
		const common = {
			sender: fc.constant(sender),
			method: fc.constantFrom("POST" as const, "PUT" as const),
			contentType: contentTypes(s.format),
			noise,
		};
		const knownSegment = fc.constantFrom(tenant, s.source);
		return fc.oneof(
			{
				weight: 40,
				arbitrary: fc.record({ kind: fc.constant("proven" as const), body: bodySpec(s), style: fc.nat(), ...common }),
			},
			{
				weight: 30,
				arbitrary: fc.record({
					kind: fc.constant("forged" as const),
					body: bodySpec(s),
					forgery: s.forgeries,
					...common,
				}),
			},
			{
				weight: s.replay ? 15 : 0,
				arbitrary: fc.record({
					kind: fc.constant("replay" as const),
					payload: s.replayPayload ?? s.payload,
					mutation: textMutation,
					style: fc.nat(),
					...common,
				}),
			},
			{
				weight: 10,
				arbitrary: fc.record({
					kind: fc.constant("elsewhere" as const),
					path: fc
						.tuple(fc.oneof(knownSegment, segment), fc.oneof(knownSegment, segment), fc.constantFrom("", "/x", "/"))
						.filter(([t, src]) => !(t === tenant && src === s.source))
						.map(([t, src, rest]) => `/in/${t}/${src}${rest}`),
					method: fc.constantFrom("POST", "PUT", "GET", "DELETE", "PATCH", "OPTIONS"),
					noise,
				}),
			},
			{
				weight: 1,
				arbitrary: fc.record({
					kind: fc.constant("oversize" as const),
					proven: fc.boolean(),
					stream: fc.boolean(),
					style: fc.nat(),
					...common,
				}),
			},
			{
				weight: 1,
				arbitrary: fc.record({
					kind: fc.constant("at-limit" as const),
					payload: s.payload,
					style: fc.nat(),
					...common,
				}),
			},
		);
	});
}
