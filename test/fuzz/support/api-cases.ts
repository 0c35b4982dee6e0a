/**
 * Requests for the management API fuzz: every documented route (read from /openapi.json, so a new
 * route is fuzzed without touching this file) plus paths that are not routes, with hostile ids,
 * queries, bodies, content types, and every kind of credential: none, junk, the admin token on
 * tenant routes, a tenant key on admin routes, and another tenant's key on this tenant's ids.
 */
import { SELF } from "cloudflare:test";
import fc from "fast-check";
import { HOSTILE_NUMBERS, hostileString, hostileValue, junkBody } from "./hostile";

export interface Route {
	method: string;
	/** The OpenAPI path template, e.g. `/v1/subscriptions/{id}`. */
	path: string;
	/** Guarded by the admin token (else by a tenant key). */
	admin: boolean;
}

/** The documented routes of the running worker. */
export async function documentedRoutes(): Promise<Route[]> {
	const doc = (await (await SELF.fetch("https://hookfan.test/openapi.json")).json()) as {
		paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>>;
	};
	const routes: Route[] = [];
	for (const [path, ops] of Object.entries(doc.paths)) {
		if (!path.startsWith("/v1/")) continue;
		for (const [method, op] of Object.entries(ops)) {
			// `security: []` marks a public route (the event catalog): it describes the gateway, nothing to guard.
			if (op.security?.length === 0) continue;
			const admin = (op.security ?? []).some((s) => "adminToken" in s);
			routes.push({ method: method.toUpperCase(), path, admin });
		}
	}
	return routes;
}

/** Who a request's credential makes it, as far as the server should be concerned. */
export type Principal = "nobody" | "admin" | "intruder" | "owner";

export interface Auth {
	/** Authorization header values (a repeat is joined with ", " by fetch). */
	headers: string[];
	as: Principal;
	label: string;
}

export interface Keys {
	admin: string;
	owner: string;
	intruder: string;
	/** The victim's key, never sent whole: only near misses of it. */
	victim: string;
}

export function auths(keys: Keys): fc.Arbitrary<Auth> {
	const nobody = (label: string, ...headers: string[]): Auth => ({ headers, as: "nobody", label });
	return fc.oneof(
		{ weight: 1, arbitrary: fc.constant(nobody("none")) },
		{
			weight: 1,
			arbitrary: fc.constantFrom(
				nobody("bare Bearer", "Bearer"),
				nobody("empty Bearer", "Bearer "),
				nobody("hf_ alone", "Bearer hf_"),
				nobody(
					"victim key, last char changed",
					`Bearer ${keys.victim.slice(0, -1)}${keys.victim.endsWith("A") ? "B" : "A"}`,
				),
				nobody("victim key, truncated", `Bearer ${keys.victim.slice(0, 20)}`),
				nobody("victim key, with a suffix", `Bearer ${keys.victim}x`),
				nobody("owner key as Token", `Token ${keys.owner}`),
				nobody("owner key twice", `Bearer ${keys.owner}`, `Bearer ${keys.owner}`),
				nobody("owner key and junk", `Bearer ${keys.owner} junk`),
				nobody("admin token, wrong case", `Bearer ${keys.admin.toUpperCase()}`),
				nobody("long key", `Bearer hf_${"a".repeat(300)}`),
				nobody("basic", `Basic ${btoa(`admin:${keys.admin}`)}`),
			),
		},
		{ weight: 1, arbitrary: hostileString.map((s) => nobody("junk", `Bearer ${s.replace(/[^\x21-\x7e]/g, "")}`)) },
		{ weight: 2, arbitrary: fc.constant<Auth>({ headers: [`Bearer ${keys.admin}`], as: "admin", label: "admin" }) },
		{
			weight: 3,
			arbitrary: fc.constant<Auth>({ headers: [`bearer   ${keys.intruder}`], as: "intruder", label: "intruder" }),
		},
		{ weight: 3, arbitrary: fc.constant<Auth>({ headers: [`Bearer ${keys.owner}`], as: "owner", label: "owner" }) },
	);
}

/** Path segments for ids: real ids of every tenant (the victim's included), and hostile ones. */
export function idSegments(real: string[]): fc.Arbitrary<string> {
	return fc.oneof(
		{ weight: 4, arbitrary: fc.constantFrom(...real) },
		{
			weight: 2,
			arbitrary: fc.constantFrom(
				"sub_01JD0000000000000000000000",
				"evt_01JD0000000000000000000000",
				"key_01JD0000000000000000000000",
				"__proto__",
				"constructor",
				"..",
				"%2e%2e",
				"%2F",
				"%00",
				"a".repeat(100),
				"a".repeat(101),
				"vb",
				"UPPER",
			),
		},
		{ weight: 1, arbitrary: hostileString.map(encodeSegment) },
	);
}

/** Percent-encodes a segment; a lone surrogate (which encodeURIComponent refuses) as its raw UTF-8 bytes. */
export function encodeSegment(s: string): string {
	try {
		return encodeURIComponent(s);
	} catch {
		return "%ED%A0%80";
	}
}

const queryValue = fc.oneof(
	fc.constantFrom("1", "0", "-1", "200", "201", "1e2", "0x10", "9".repeat(30), "", "abc", "null", "1.5"),
	hostileString,
	fc.constantFrom(...HOSTILE_NUMBERS).map(String),
);

export const query: fc.Arbitrary<string> = fc
	.dictionary(fc.constantFrom("limit", "cursor", "type", "source", "since", "x"), queryValue, { maxKeys: 3 })
	.map((q) => {
		const entries = Object.entries(q).map(([k, v]) => `${k}=${encodeSegment(v)}`);
		return entries.length ? `?${entries.join("&")}` : "";
	});

const url = fc.oneof(
	fc.constantFrom(
		"https://example.com/hook",
		"http://127.0.0.1:1/x",
		"https://169.254.169.254/latest/meta-data",
		"https://[::1]/",
		"https://user:pass@example.com/",
		"javascript:alert(1)",
		"file:///etc/passwd",
		"https://example.com/\u0000",
		`https://example.com/${"a".repeat(5000)}`,
	),
	fc.webUrl(),
	hostileString,
);

/** Bodies shaped like what the routes take, with hostile values in their fields. */
const shapedBody: fc.Arbitrary<unknown> = fc.oneof(
	fc.record(
		{
			provider: fc.oneof(
				fc.constantFrom("voipbin", "rapidpro", "telerivet", "voxsig", "cloudcontactai", "standardwebhooks"),
				hostileString,
			),
			secret: fc.oneof(hostileString, fc.constantFrom("whsec_AAAA", "a".repeat(513))),
			client_id: hostileString,
			verification: fc.oneof(fc.constantFrom("token", "signature", "basic", "form"), hostileString),
			signature_header: hostileString,
			tolerance_seconds: fc.oneof(fc.constantFrom(...HOSTILE_NUMBERS), hostileValue),
			description: hostileString,
		},
		{ requiredKeys: [] },
	),
	fc.record(
		{
			url,
			event_types: fc.oneof(
				fc.array(fc.oneof(fc.constantFrom("*", "call.*", "message.received"), hostileString), { maxLength: 3 }),
				hostileValue,
			),
			sources: fc.oneof(fc.array(hostileString, { maxLength: 3 }), hostileValue),
			ordering: fc.oneof(fc.constantFrom("ordered", "unordered"), hostileString),
			retry_schedule: fc.oneof(fc.array(fc.constantFrom(...HOSTILE_NUMBERS), { maxLength: 25 }), hostileValue),
			on_exhausted: fc.oneof(fc.constantFrom("pause", "dead_letter"), hostileString),
			description: fc.oneof(hostileString, fc.constant("d".repeat(501))),
			status: fc.constantFrom("active", "disabled"),
			secrets: fc.constant(["whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="]),
			id: hostileString,
		},
		{ requiredKeys: [] },
	),
	fc.record(
		{
			since_sequence: fc.oneof(fc.constantFrom(...HOSTILE_NUMBERS), hostileValue),
			since: fc.oneof(
				fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
				hostileString,
			),
			subscription_id: hostileString,
		},
		{ requiredKeys: [] },
	),
	fc.record(
		{ id: fc.oneof(fc.stringMatching(/^fz-[a-z0-9]{1,8}$/), hostileString), name: hostileString },
		{ requiredKeys: [] },
	),
);

export interface ApiBody {
	contentType: string | null;
	body: string | Uint8Array | null;
}

export const apiBody: fc.Arbitrary<ApiBody> = fc.oneof(
	{ weight: 1, arbitrary: fc.constant({ contentType: null, body: null }) },
	{ weight: 5, arbitrary: shapedBody.map((v) => ({ contentType: "application/json", body: JSON.stringify(v) })) },
	{
		weight: 2,
		arbitrary: hostileValue.map((v) => ({ contentType: "application/json", body: JSON.stringify(v) ?? "null" })),
	},
	{ weight: 2, arbitrary: junkBody.map((body) => ({ contentType: "application/json", body })) },
	{
		weight: 1,
		arbitrary: fc
			.tuple(
				fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "", "application/json; charset=utf-16"),
				shapedBody,
			)
			.map(([contentType, v]) => ({ contentType, body: JSON.stringify(v) })),
	},
);

/**
 * Bodies a route accepts, so the fuzz also reaches past validation: keyed by "METHOD path template".
 * `subscriber` is a URL the test subscriber answers 200 at.
 */
export function plausibleBodies(subscriber: string): [RegExp, fc.Arbitrary<unknown>][] {
	return [
		[
			/^PUT \/v1\/sources\/\{source\}$/,
			fc.constantFrom(
				{ provider: "voipbin", secret: "fuzz-pasted-voipbin-secret" },
				{ provider: "voipbin" }, // VoIPbin owns its secret: 422 secret_required
				{ provider: "voipbin", verification: "token", secret: "s3cret-token" },
				{ provider: "rapidpro" },
				{ provider: "cloudcontactai", client_id: "1", legacy_body_hmac: true },
				{ provider: "standardwebhooks", tolerance_seconds: 60 },
				{ provider: "voxsig", secret: "fuzz-pasted-chatwoot-secret", signature_header: "X-Sig" },
				{ provider: "telerivet", verification: "form", description: "d" },
			),
		],
		[
			/^POST \/v1\/subscriptions$/,
			fc.record(
				{
					url: fc.constant(subscriber),
					event_types: fc.constantFrom(["*"], ["call.*"], ["message.received", "call.hangup"]),
					ordering: fc.constantFrom("ordered", "unordered"),
					retry_schedule: fc.constant([1, 1]),
					on_exhausted: fc.constantFrom("pause", "dead_letter"),
				},
				{ requiredKeys: ["url"] },
			),
		],
		[
			/^PATCH \/v1\/subscriptions\/\{id\}$/,
			fc.record(
				{ description: fc.string({ maxLength: 50 }), event_types: fc.constant(["*"]), url: fc.constant(subscriber) },
				{ requiredKeys: [] },
			),
		],
		[
			/replay$/,
			fc.oneof(
				fc.record({ since_sequence: fc.integer({ min: 1, max: 5 }) }),
				fc.constant({ since: "2020-01-01T00:00:00Z" }),
			),
		],
		[/redeliver$/, fc.constant({})],
		[/^POST \/v1\/tenants$/, fc.stringMatching(/^fz-[a-z0-9]{1,8}$/).map((id) => ({ id, name: "fuzz" }))],
	];
}

/** A body for a route: one it accepts now and then, hostile otherwise. */
export function bodyFor(route: Route | null, plausible: [RegExp, fc.Arbitrary<unknown>][]): fc.Arbitrary<ApiBody> {
	const key = route ? `${route.method} ${route.path}` : "";
	const fits = plausible.find(([pattern]) => pattern.test(key))?.[1];
	if (!fits) return apiBody;
	return fc.oneof(
		{ weight: 1, arbitrary: fits.map((v) => ({ contentType: "application/json", body: JSON.stringify(v) })) },
		{ weight: 2, arbitrary: apiBody },
	);
}

/** Paths that are no route: the answer is 401 or 404, never data. */
export const strayPaths = fc.constantFrom(
	"/v1",
	"/v1/",
	"/v1/unknown",
	"/v1//sources",
	"/v1/sources/vb/extra",
	"/v1/tenants/x/keys/y/z",
	"/v1/events/x/y",
	"/v1/subscriptions/x/unknown-action",
	"/V1/SOURCES",
	"/v1/sources/%2e%2e/%2e%2e/v1/tenants",
);
