/// <reference types="@cloudflare/vitest-plugin/types" />
// The builders import a type from test/support/ingest, which imports `cloudflare:test`: the
// reference above lets the Node type-check (tsconfig.node.json) resolve that module too.
/**
 * One realistic webhook per provider, as the benchmarks send it: the payload comes from the test
 * builders, and event `n` differs from every other event in the field the provider's dedupe key is
 * made of, so no request is ever short-circuited as a duplicate. Used inside workerd (bench/cpu.ts,
 * bench/io-stages.ts) and in Node (bench/ingest.ts). `signedRequest` signs with the builders
 * (WebCrypto); bench/node-sign.ts signs the same bytes synchronously for the load generator.
 */

import { PROVIDER_IDS } from "../src/providers";
import { CCAI_CLIENT_ID, CCAI_SECRET, ccaiMessage, ccaiRequest } from "../test/builders/cloudcontactai";
import { RAPIDPRO_TOKEN, rapidproRequest, rapidproResthook } from "../test/builders/rapidpro";
import { SW_SECRET, standardRequest } from "../test/builders/standardwebhooks";
import {
	TELERIVET_SECRET,
	type TelerivetFields,
	telerivetIncoming,
	telerivetRequest,
} from "../test/builders/telerivet";
import { VOIPBIN_SECRET, voipbinCall, voipbinRequest } from "../test/builders/voipbin";
import { VOXSIG_SECRET, voxsigMessage, voxsigRequest } from "../test/builders/voxsig";
import type { SignedRequest } from "../test/support/ingest";

/** Every provider hookfan supports: the benchmarks cover them all. */
export const BENCH_PROVIDERS = PROVIDER_IDS;
export type BenchProvider = (typeof BENCH_PROVIDERS)[number];

/** The tenant every benchmark source belongs to: one tenant, so one Durable Object takes every append. */
export const BENCH_TENANT = "bench";

/** Each provider's source id and configuration (the KV value of `source:bench:{id}`). */
export const BENCH_SOURCES: Record<BenchProvider, { id: string; config: Record<string, unknown> }> = {
	rapidpro: { id: "rp", config: { provider: "rapidpro", secret: RAPIDPRO_TOKEN } },
	cloudcontactai: {
		id: "ccai",
		config: { provider: "cloudcontactai", secret: CCAI_SECRET, client_id: CCAI_CLIENT_ID },
	},
	telerivet: { id: "tr", config: { provider: "telerivet", secret: TELERIVET_SECRET } },
	voxsig: { id: "vx", config: { provider: "voxsig", secret: VOXSIG_SECRET } },
	voipbin: { id: "vb", config: { provider: "voipbin", secret: VOIPBIN_SECRET } },
	standardwebhooks: { id: "sw", config: { provider: "standardwebhooks", secret: SW_SECRET } },
};

/** What each benchmark event is, for the reports. */
export const BENCH_EVENTS: Record<BenchProvider, string> = {
	rapidpro: "flow webhook, default body (contact, flow, path, results, run, input); token header",
	cloudcontactai: "message.incoming; HMAC of clientId:eventHash",
	telerivet: "incoming_message form post; Basic auth",
	voxsig: "message_created; HMAC of timestamp.body",
	voipbin: "call_hungup; HMAC of body",
	standardwebhooks: "message.received (canonical data); HMAC of id.timestamp.body",
};

/** A random prefix per process, so ids from two runs never meet in one log. */
const RUN = Math.floor(Math.random() * 0xffffffff)
	.toString(16)
	.padStart(8, "0");

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
/** A UUID that is unique per (process, n). */
export const benchUuid = (n: number) => `${RUN}-0000-4000-8000-${hex(n, 12)}`;
/** A delivery / message id that is unique per (process, n). */
export const benchId = (n: number) => `bench-${RUN}-${n}`;

/** `typical`: the event as the builders shape it. `large`: the same event carrying ~3 KB of text. */
export type BenchSize = "typical" | "large";
export const BENCH_SIZES: readonly BenchSize[] = ["typical", "large"];

/** 3,000 characters of message text (letters and spaces: the same length as JSON or as a form). */
const LONG_TEXT = "Hello, I would like to know where my order is and when it will arrive "
	.repeat(50)
	.slice(0, 3000)
	.replace(/[^A-Za-z ]/g, " ");

/** Event `n`'s payload: a JSON value, or form fields for Telerivet. */
export function benchPayload(provider: BenchProvider, n: number, size: BenchSize = "typical"): unknown {
	const long = size === "large";
	switch (provider) {
		case "rapidpro": {
			// A flow's call_webhook posts this body by default; it has no id, so ingest dedupes on its hash.
			const run = { uuid: benchUuid(n), created_on: "2026-03-04T05:05:00.000000Z" };
			const body = rapidproResthook({ run });
			if (long) body.input = { ...(body.input as Record<string, unknown>), text: LONG_TEXT };
			return body;
		}
		case "cloudcontactai":
			return ccaiMessage(
				"message.incoming",
				{ SmsSid: n, ...(long ? { Message: LONG_TEXT } : {}) },
				`${RUN}${hex(n, 12)}`,
			);
		case "telerivet":
			return telerivetIncoming({ id: `SM${RUN}${hex(n, 8)}`, ...(long ? { content: LONG_TEXT } : {}) });
		case "voxsig":
			return voxsigMessage("message_created", { id: n, ...(long ? { content: LONG_TEXT } : {}) });
		case "voipbin": {
			// A call carries no text; a large one carries its current talk action's (VoIPbin's call `action`).
			const action = { type: "talk", option: { text: LONG_TEXT, language: "en-US" } };
			return voipbinCall("call_hungup", {
				id: benchUuid(n),
				status: "hangup",
				hangup_reason: "normal",
				...(long ? { action } : {}),
			});
		}
		case "standardwebhooks":
			return {
				type: "message.received",
				timestamp: "2026-11-20T10:00:00Z",
				data: {
					id: benchId(n),
					direction: "inbound",
					text: long ? LONG_TEXT : "Hi, is my order on its way?",
					from: "+15550001111",
					to: "+15550002222",
					channel: "sms",
					attachments: [],
					status: "received",
					error: null,
					conversation_id: "conv-42",
					contact_id: "contact-7",
				},
			};
	}
}

/**
 * Event `n` as its provider sends it, signed by the builders (WebCrypto and the signers in
 * src/verify). `nowSeconds` is the signed timestamp for the providers that sign one.
 */
export async function signedRequest(
	provider: BenchProvider,
	n: number,
	nowSeconds: number,
	size: BenchSize = "typical",
): Promise<SignedRequest> {
	const payload = benchPayload(provider, n, size);
	switch (provider) {
		case "rapidpro":
			return rapidproRequest(payload);
		case "cloudcontactai":
			return ccaiRequest(payload);
		case "telerivet":
			return telerivetRequest(payload as TelerivetFields);
		case "voxsig":
			return voxsigRequest(payload, { timestamp: nowSeconds, delivery: benchId(n) });
		case "voipbin":
			return voipbinRequest(payload);
		case "standardwebhooks":
			return standardRequest(payload, { id: `msg_${benchId(n)}`, timestamp: nowSeconds });
	}
}
