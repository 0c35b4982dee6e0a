/**
 * Builds RapidPro / TextIt webhook bodies and requests. RapidPro signs nothing: a request carries
 * the source's token in `Authorization: Token|Bearer` or, for resthooks, in `?token=`.
 */
import type { SignedRequest } from "../support/ingest";

export const RAPIDPRO_TOKEN = "test-rapidpro-token";

export const CONTACT_UUID = "0e06f977-cbb7-475f-9d0b-a0c4aaec7f6a";
export const CHANNEL = { uuid: "61602f3e-f603-4c70-8a8f-c477505bf4bf", name: "Twilio" };
export const RUN_UUID = "d2f852ec-7b4e-457f-ae7f-f8b243c49ff5";
export const CREATED_ON = "2026-03-04T05:06:07.123456789Z";

/** A goflow engine event: `type` and `created_on` plus whatever fields the type carries. */
export function rapidproEvent(type: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
	return { type, created_on: CREATED_ON, step_uuid: "8eebd020-1af5-431c-b943-aa670fc74da9", ...fields };
}

/** A goflow `msg` object (MsgIn / MsgOut). */
export function rapidproMsg(fields: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		uuid: "2d611e17-fb22-457f-b802-b8f7ec5cda5b",
		urn: "tel:+12065551212",
		channel: CHANNEL,
		text: "hi there",
		attachments: ["image/jpeg:https://s3.example.com/bucket/photo.jpg"],
		...fields,
	};
}

/** A message event (msg_received, msg_created, ivr_created) around `rapidproMsg(msg)`. */
export function rapidproMsgEvent(
	type: string,
	msg: Record<string, unknown> = {},
	fields: Record<string, unknown> = {},
): Record<string, unknown> {
	return rapidproEvent(type, { msg: rapidproMsg(msg), ...fields });
}

/** The uuid goflow (v0.250.0 on) gives an event; for a message event it is also the message's id. */
export const EVENT_UUID = "0197b335-6ded-79a4-95a6-3af85b57f108";

/**
 * A message event as goflow sends it since mid-2025: the event has its own `uuid` and the `msg` object
 * has none (nyaruka/goflow flows/events/base.go).
 */
export function rapidproCurrentMsgEvent(
	type: string,
	uuid = EVENT_UUID,
	msg: Record<string, unknown> = {},
): Record<string, unknown> {
	const { uuid: _none, ...withoutUuid } = rapidproMsg(msg);
	return rapidproEvent(type, { uuid, msg: withoutUuid });
}

/** The default resthook payload mailroom posts from a `call_resthook` action. */
export function rapidproResthook(fields: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		contact: { uuid: CONTACT_UUID, name: "Ben Haggerty", urn: "tel:+12065551212" },
		flow: { uuid: "50c3706e-fedb-42c0-8eab-dda3335714b7", name: "Registration" },
		path: [
			{
				node_uuid: "72a1f5df-49f9-45df-94c9-d86f7ea064e5",
				arrived_on: "2026-03-04T05:06:00.000000Z",
				exit_uuid: "d7a36118-0a38-4b35-a7e4-ae89042f0d3c",
			},
		],
		results: { name: { value: "Ben", category: "Has Text", input: "Ben", created_on: "2026-03-04T05:06:01Z" } },
		run: { uuid: RUN_UUID, created_on: "2026-03-04T05:05:00.000000Z" },
		input: {
			uuid: "9bf91c2b-ce58-4cef-aacc-281e03f69ab5",
			type: "msg",
			channel: CHANNEL,
			created_on: "2026-03-04T05:06:01.000000Z",
			text: "Ben",
			attachments: [],
			urn: { display: "(206) 555-1212", path: "+12065551212", scheme: "tel" },
		},
		channel: CHANNEL,
		...fields,
	};
}

export type TokenPlacement = "token" | "bearer" | "query";

/** A JSON request carrying `token` the way a flow author (or a resthook subscriber URL) would. */
export function rapidproRequest(
	payload: unknown,
	{ token = RAPIDPRO_TOKEN, via = "token" }: { token?: string | null; via?: TokenPlacement } = {},
): SignedRequest {
	const headers: Record<string, string> = {
		"content-type": "application/json",
		"user-agent": "RapidProMailroom/9.3.0",
	};
	if (token !== null && via === "token") headers.authorization = `Token ${token}`;
	if (token !== null && via === "bearer") headers.authorization = `Bearer ${token}`;
	const query = token !== null && via === "query" ? `?token=${encodeURIComponent(token)}` : undefined;
	return { body: typeof payload === "string" ? payload : JSON.stringify(payload), headers, query };
}

/**
 * A *Call Webhook* as the flow editor creates it by default: GET, no body, the values the author
 * templated into the URL's query string, and `Accept: application/json` (nyaruka/floweditor
 * src/components/flow/routers/webhook/helpers.ts). The token goes where `via` says.
 */
export function rapidproGetRequest(
	params: Record<string, string>,
	{ token = RAPIDPRO_TOKEN, via = "query" }: { token?: string; via?: TokenPlacement } = {},
): SignedRequest {
	const headers: Record<string, string> = { accept: "application/json", "user-agent": "Mailroom/10.1" };
	const query = new URLSearchParams(params);
	if (via === "query") query.set("token", token);
	else headers.authorization = `${via === "bearer" ? "Bearer" : "Token"} ${token}`;
	return { body: "", headers, query: `?${query}`, method: "GET" };
}
