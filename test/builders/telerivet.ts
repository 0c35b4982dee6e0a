/**
 * Builds Telerivet webhook bodies and requests. Telerivet posts form fields, not JSON, and proves a
 * request with the shared secret: HTTP Basic auth (`telerivet:<secret>`) or a `secret` form field.
 */
import { telerivetBasicAuth } from "../../src/verify/telerivet";
import type { SignedRequest } from "../support/ingest";

export const TELERIVET_SECRET = "test-telerivet-secret";

export const MESSAGE_ID = "SM1a2b3c4d5e6f7a8b";
export const CONTACT_ID = "CTa1b2c3d4e5f6a7b8";
export const PHONE_ID = "PN0a1b2c3d4e5f6a7b";
export const PROJECT_ID = "PJ9f8e7d6c5b4a3f2e";
/** 2026-05-06T07:08:09Z */
export const TIME_CREATED = "1778051289";

/** Form fields as Telerivet sends them: one string per field, or several for a repeated field. */
export type TelerivetFields = Record<string, string | string[]>;

/** Any Telerivet event: `event` plus the fields it carries. */
export function telerivetEvent(event: string, fields: TelerivetFields = {}): TelerivetFields {
	return { event, project_id: PROJECT_ID, ...fields };
}

/** An `incoming_message` from a contact's phone to the project's phone. */
export function telerivetIncoming(fields: TelerivetFields = {}): TelerivetFields {
	return telerivetEvent("incoming_message", {
		id: MESSAGE_ID,
		message_type: "sms",
		content: "Hello world",
		from_number: "0650 555 0123",
		from_number_e164: "+16505550123",
		to_number: "+16505550199",
		time_created: TIME_CREATED,
		contact_id: CONTACT_ID,
		phone_id: PHONE_ID,
		...fields,
	});
}

/** A `send_status` notification for an outgoing message. */
export function telerivetStatus(status: string, fields: TelerivetFields = {}): TelerivetFields {
	return telerivetEvent("send_status", {
		id: MESSAGE_ID,
		status,
		message_type: "sms",
		to_number: "+16505550123",
		from_number: "+16505550199",
		time_created: TIME_CREATED,
		contact_id: CONTACT_ID,
		phone_id: PHONE_ID,
		...fields,
	});
}

/** How a request proves itself: Basic auth (Webhook objects), a form field (services), both, or nothing. */
export type TelerivetProof = "basic" | "form" | "both" | "none";

export interface TelerivetRequestOptions {
	proof?: TelerivetProof;
	/** The secret the sender uses (default: the source's). */
	secret?: string;
	/** The Basic auth username (Telerivet always sends `telerivet`). */
	username?: string;
	/** A `secret` form field that differs from the Basic password, or a repeated one. */
	formSecret?: string | string[];
}

/** Encodes fields the way Telerivet does: `application/x-www-form-urlencoded`, repeated keys kept. */
export function formBody(fields: TelerivetFields): string {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(fields)) {
		for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
	}
	return params.toString();
}

/** A Telerivet request carrying its proof as `opts.proof` says (default: Basic auth). */
export function telerivetRequest(fields: TelerivetFields, opts: TelerivetRequestOptions = {}): SignedRequest {
	const { proof = "basic", secret = TELERIVET_SECRET, username } = opts;
	const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
	if (proof === "basic" || proof === "both") headers.authorization = telerivetBasicAuth(secret, username);
	const body = proof === "form" || proof === "both" ? { ...fields, secret: opts.formSecret ?? secret } : fields;
	return { body: formBody(body), headers };
}
