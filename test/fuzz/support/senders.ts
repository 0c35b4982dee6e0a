/**
 * One fuzz sender per provider (and per proof variant): its source configuration, its payloads, how
 * it proves a body in each style the provider really sends, and forgeries that must never verify.
 */
import fc from "fast-check";
import { standardSignature, whsecKey } from "../../../src/crypto/standard-webhooks";
import { signCloudcontactai, signCloudcontactaiLegacy } from "../../../src/verify/cloudcontactai";
import { telerivetBasicAuth } from "../../../src/verify/telerivet";
import { signVoipbin } from "../../../src/verify/voipbin";
import { signVoxsig } from "../../../src/verify/voxsig";
import {
	ccaiPayload,
	ccaiSignablePayload,
	rapidproPayload,
	standardPayload,
	telerivetFields,
	voipbinPayload,
	voxsigPayload,
} from "./payloads";
import {
	CLIENT_ID,
	decoder,
	type Forgery,
	forgery,
	header,
	headerJunk,
	nearMisses,
	OTHER,
	OTHER_WHSEC,
	type Proof,
	parsed,
	SECRET,
	signatureForgeries,
	tokenForgeries,
	tokenProof,
	WHSEC,
} from "./proofs";

export interface Sender {
	provider: string;
	source: string;
	config: Record<string, unknown>;
	format: "json" | "form";
	/** A captured proof sent with another body: refused, or accepted only as a duplicate (CCAI signs eventHash). */
	replay: "refused" | "duplicate" | null;
	payload: fc.Arbitrary<unknown>;
	/** Payloads a captured, correctly proven request carries (for replays); `payload` by default. */
	replayPayload?: fc.Arbitrary<unknown>;
	encode(payload: unknown): string;
	/** A valid proof of these exact bytes, in style `style` of the ones the provider sends; null if none fits. */
	prove(raw: Uint8Array<ArrayBuffer>, now: number, style: number): Promise<Proof | null>;
	forgeries: fc.Arbitrary<Forgery>;
}

/**
 * How far outside the 300 s tolerance a forged timestamp sits. The exact boundary is unit-tested with a
 * fixed clock (regressions.test.ts); here the clock runs, and a request can wait seconds in a busy CI run
 * between the case reading the time and the Worker reading it, so a 301 s "future" could arrive in time.
 */
const CLEARLY_STALE = 360;

const json = (payload: unknown) => JSON.stringify(payload) ?? "null";

const voipbin: Sender = {
	provider: "voipbin",
	source: "vb",
	config: { provider: "voipbin", secret: SECRET },
	format: "json",
	replay: "refused",
	payload: voipbinPayload,
	encode: json,
	async prove(raw, _now, style) {
		const sig = await signVoipbin(SECRET, raw);
		return header("x-voipbin-signature", [sig, sig.toUpperCase(), ` \t${sig} `][style % 3] as string);
	},
	forgeries: signatureForgeries(signVoipbin, "x-voipbin-signature"),
};

const voipbinToken: Sender = {
	...voipbin,
	source: "vbt",
	config: { provider: "voipbin", secret: SECRET, verification: "token" },
	replay: null,
	prove: async (_raw, _now, style) => tokenProof(style),
	forgeries: tokenForgeries,
};

const voxsigSign = (secret: string, ts: string | number) => (raw: Uint8Array) => signVoxsig(secret, ts, raw);
const voxsig: Sender = {
	provider: "voxsig",
	source: "vx",
	config: { provider: "voxsig", secret: SECRET },
	format: "json",
	replay: "refused",
	payload: voxsigPayload,
	encode: json,
	async prove(raw, now, style) {
		const ts = String(Math.floor(now / 1000) + ((style * 37) % 500) - 250);
		const sig = await voxsigSign(SECRET, ts)(raw);
		return {
			headers: [
				["x-chatwoot-signature", style % 2 ? sig.toUpperCase() : sig],
				["x-chatwoot-timestamp", ts],
				["x-chatwoot-delivery", ["d-1", crypto.randomUUID(), "not a uuid!", ""][style % 4] as string],
			],
		};
	},
	forgeries: fc.oneof(
		signatureForgeries((s, raw) => voxsigSign(s, "0")(raw), "x-chatwoot-signature").map((f) =>
			forgery(`${f.name} (with a timestamp)`, async (raw, now) => {
				const p = await f.make(raw, now);
				return { ...p, headers: [...p.headers, ["x-chatwoot-timestamp", String(Math.floor(now / 1000))]] };
			}),
		),
		fc
			.oneof(fc.integer({ min: CLEARLY_STALE, max: 10_000_000 }), fc.integer({ min: -10_000_000, max: -CLEARLY_STALE }))
			.map((skew) =>
				forgery(`stale by ${skew} s`, async (raw, now) => {
					const ts = String(Math.floor(now / 1000) - skew);
					return {
						headers: [
							["x-chatwoot-signature", await voxsigSign(SECRET, ts)(raw)],
							["x-chatwoot-timestamp", ts],
						],
					};
				}),
			),
		fc.constantFrom("1e9", "-1", "12.5", "abc", "0x10", "１２３").map((ts) =>
			forgery(`timestamp ${ts}`, async (raw) => ({
				headers: [
					["x-chatwoot-signature", await voxsigSign(SECRET, ts)(raw)],
					["x-chatwoot-timestamp", ts.replace(/[^\x20-\xff]/g, "?")],
				],
			})),
		),
		fc.constant(
			forgery("signed at another second", async (raw, now) => {
				const ts = Math.floor(now / 1000);
				return {
					headers: [
						["x-chatwoot-signature", await voxsigSign(SECRET, ts - 1)(raw)],
						["x-chatwoot-timestamp", String(ts)],
					],
				};
			}),
		),
	),
};

async function swSignature(secret: string, id: string, ts: string | number, raw: Uint8Array) {
	return standardSignature(whsecKey(secret) as Uint8Array<ArrayBuffer>, id, ts, raw);
}

function swProof(id: string, ts: string, signature: string): Proof {
	return {
		headers: [
			["webhook-id", id],
			["webhook-timestamp", ts],
			["webhook-signature", signature],
		],
	};
}

const standardwebhooks: Sender = {
	provider: "standardwebhooks",
	source: "sw",
	config: { provider: "standardwebhooks", secret: WHSEC },
	format: "json",
	replay: "refused",
	payload: standardPayload,
	encode: json,
	async prove(raw, now, style) {
		const id = ["msg_1", `msg_${crypto.randomUUID()}`, "évt-Ω".replace(/[^\x20-\x7e]/g, "x")][style % 3] as string;
		const ts = String(Math.floor(now / 1000) + ((style * 53) % 500) - 250);
		const sig = await swSignature(WHSEC, id, ts, raw);
		return swProof(id, ts, [sig, `v1,AAAA ${sig}`, `v2,${sig.slice(3)} ${sig}`][style % 3] as string);
	},
	forgeries: fc.oneof(
		fc.constantFrom("id", "timestamp", "signature").map((missing) =>
			forgery(`no webhook-${missing}`, async (raw, now) => {
				const ts = String(Math.floor(now / 1000));
				const p = swProof("msg_x", ts, await swSignature(WHSEC, "msg_x", ts, raw));
				return { headers: p.headers.filter(([n]) => n !== `webhook-${missing}`) };
			}),
		),
		fc
			.constantFrom(
				["wrong key", OTHER_WHSEC, "msg_x", 0, ""],
				["another id", WHSEC, "msg_y", 0, ""],
				["another second", WHSEC, "msg_x", 1, ""],
				["stale", WHSEC, "msg_x", CLEARLY_STALE, ""],
				["future", WHSEC, "msg_x", -CLEARLY_STALE, ""],
				["v2 scheme", WHSEC, "msg_x", 0, "v2"],
				["no scheme", WHSEC, "msg_x", 0, "none"],
				["truncated", WHSEC, "msg_x", 0, "cut"],
			)
			.map(([name, key, signedId, skew, mangle]) =>
				forgery(name as string, async (raw, now) => {
					const ts = Math.floor(now / 1000);
					let sig = await swSignature(key as string, signedId as string, ts - (skew as number), raw);
					if (mangle === "v2") sig = `v2,${sig.slice(3)}`;
					if (mangle === "none") sig = sig.slice(3);
					if (mangle === "cut") sig = sig.slice(0, -2);
					const sentTs = String(ts - (name === "stale" || name === "future" ? (skew as number) : 0));
					return swProof("msg_x", sentTs, sig);
				}),
			),
		headerJunk.map((v) =>
			forgery(`webhook-signature ${JSON.stringify(v)}`, async (_raw, now) =>
				swProof("msg_x", String(Math.floor(now / 1000)), v),
			),
		),
	),
};

async function ccaiProof(raw: Uint8Array<ArrayBuffer>, clientId = CLIENT_ID, secret = SECRET): Promise<string | null> {
	const hash = (parsed(raw) as { eventHash?: unknown } | null)?.eventHash;
	return typeof hash === "string" && hash !== "" ? signCloudcontactai(secret, clientId, hash) : null;
}

const cloudcontactai: Sender = {
	provider: "cloudcontactai",
	source: "cc",
	config: { provider: "cloudcontactai", secret: SECRET, client_id: CLIENT_ID },
	format: "json",
	replay: "duplicate",
	payload: ccaiPayload,
	replayPayload: ccaiSignablePayload,
	encode: json,
	async prove(raw, _now, style) {
		const sig = await ccaiProof(raw);
		return sig === null ? null : header("x-ccai-signature", style % 2 ? ` ${sig}\t` : sig);
	},
	forgeries: fc.oneof(
		fc.constant(forgery("no signature", async () => ({ headers: [] }))),
		headerJunk.map((v) => forgery(`x-ccai-signature ${JSON.stringify(v)}`, async () => header("x-ccai-signature", v))),
		fc
			.constantFrom(["wrong secret", CLIENT_ID, OTHER], ["wrong client id", "4243", SECRET])
			.map(([name, id, s]) =>
				forgery(name as string, async (raw) => header("x-ccai-signature", (await ccaiProof(raw, id, s)) ?? "x")),
			),
		fc.constant(
			forgery("lowercased base64", async (raw) =>
				header("x-ccai-signature", ((await ccaiProof(raw)) ?? "x").toLowerCase()),
			),
		),
		fc.constant(
			forgery("another eventHash's signature", async () =>
				header("x-ccai-signature", await signCloudcontactai(SECRET, CLIENT_ID, "other")),
			),
		),
		fc.constant(
			forgery("legacy body HMAC, not opted in", async (raw) =>
				header("x-ccai-signature", await signCloudcontactaiLegacy(SECRET, raw)),
			),
		),
	),
};

const cloudcontactaiLegacy: Sender = {
	...cloudcontactai,
	source: "ccl",
	config: { ...cloudcontactai.config, legacy_body_hmac: true },
	replay: "refused",
	async prove(raw, _now, style) {
		const sig = await signCloudcontactaiLegacy(SECRET, raw);
		return header("x-ccai-signature", style % 2 ? sig.toUpperCase() : sig);
	},
	forgeries: signatureForgeries(signCloudcontactaiLegacy, "x-ccai-signature").filter(
		(f) => !f.name.startsWith("bare hex") && !f.name.startsWith("duplicate"),
	),
};

const rapidpro: Sender = {
	provider: "rapidpro",
	source: "rp",
	config: { provider: "rapidpro", secret: SECRET },
	format: "json",
	replay: null,
	payload: rapidproPayload,
	encode: json,
	prove: async (_raw, _now, style) => tokenProof(style),
	forgeries: tokenForgeries,
};

function formBody(fields: unknown): string {
	return new URLSearchParams(fields as [string, string][]).toString();
}

const telerivet: Sender = {
	provider: "telerivet",
	source: "tr",
	config: { provider: "telerivet", secret: SECRET },
	format: "form",
	replay: null,
	payload: telerivetFields,
	encode: formBody,
	async prove(raw, _now, style) {
		const text = decoder.decode(raw);
		// A body that already names a secret field would repeat it, and a repeated secret never passes.
		const form = text.includes("secret") ? null : `${text}${text ? "&" : ""}secret=${encodeURIComponent(SECRET)}`;
		if (style % 3 === 0) return header("authorization", telerivetBasicAuth(SECRET));
		if (form === null) return null;
		return style % 3 === 1
			? { headers: [], body: form }
			: { ...header("authorization", telerivetBasicAuth(SECRET)), body: form };
	},
	forgeries: fc.oneof(
		fc.constant(forgery("no proof", async () => ({ headers: [] }))),
		nearMisses(SECRET).map((s) =>
			forgery(`Basic with ${JSON.stringify(s)}`, async () => header("authorization", telerivetBasicAuth(s))),
		),
		nearMisses(SECRET).map((s) =>
			forgery(`form secret ${JSON.stringify(s)}`, async (raw) => ({
				headers: [],
				body: `${decoder.decode(raw)}&secret=${encodeURIComponent(s)}`,
			})),
		),
		fc.constant(
			forgery("wrong user name", async () => header("authorization", telerivetBasicAuth(SECRET, "telerivetx"))),
		),
		fc.constant(
			forgery("repeated form secret", async (raw) => ({
				headers: [],
				body: `${decoder.decode(raw)}&secret=${SECRET}&secret=${SECRET}`,
			})),
		),
		fc.constant(
			forgery("right form secret, wrong Basic", async (raw) => ({
				headers: [["authorization", telerivetBasicAuth(OTHER)]],
				body: `${decoder.decode(raw)}&secret=${SECRET}`,
			})),
		),
		fc.constant(forgery("the secret as ?token=", async () => ({ headers: [], query: `?token=${SECRET}` }))),
		headerJunk.map((v) => forgery(`authorization ${JSON.stringify(v)}`, async () => header("authorization", v))),
	),
};

/** Every provider, with the proof variants each one supports. */
export const PROVIDER_SENDERS: Record<string, Sender[]> = {
	rapidpro: [rapidpro],
	cloudcontactai: [cloudcontactai, cloudcontactaiLegacy],
	telerivet: [telerivet],
	voxsig: [voxsig],
	voipbin: [voipbin, voipbinToken],
	standardwebhooks: [standardwebhooks],
};
