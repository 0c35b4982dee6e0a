/** A small client for the management API as tests use it: admin calls, tenants with keys, JSON in and out. */
import { SELF } from "cloudflare:test";
import { postCalls, seedVoipbin } from "../support/events";
import { sinkName, sinkUrl, waitFor } from "../support/sink";

export const ADMIN_TOKEN = "test-admin-token";

export interface ApiResponse<T = Record<string, unknown>> {
	status: number;
	headers: Headers;
	body: T;
	text: string;
}

/** Calls the API with a bearer token (or none) and an optional JSON body. */
export async function call<T = Record<string, unknown>>(
	token: string | null,
	method: string,
	path: string,
	json?: unknown,
): Promise<ApiResponse<T>> {
	const headers: Record<string, string> = {};
	if (token !== null) headers.authorization = `Bearer ${token}`;
	if (json !== undefined) headers["content-type"] = "application/json";
	const res = await SELF.fetch(`https://hookfan.test${path}`, {
		method,
		headers,
		...(json !== undefined ? { body: JSON.stringify(json) } : {}),
	});
	const text = await res.text();
	let body: unknown = null;
	try {
		body = text ? JSON.parse(text) : null;
	} catch {
		body = text;
	}
	return { status: res.status, headers: res.headers, body: body as T, text };
}

export const admin = <T = Record<string, unknown>>(method: string, path: string, json?: unknown) =>
	call<T>(ADMIN_TOKEN, method, path, json);

let counter = 0;

/** Creates a tenant through the admin API; returns its id and first API key. */
export async function newTenant(prefix = "api"): Promise<{ id: string; key: string; keyId: string }> {
	counter += 1;
	const id = `${prefix}-${Date.now().toString(36)}-${counter}`;
	const res = await admin<{ api_key: string; api_key_id: string }>("POST", "/v1/tenants", { id });
	if (res.status !== 201) throw new Error(`tenant creation failed: ${res.status} ${res.text}`);
	return { id, key: res.body.api_key, keyId: res.body.api_key_id };
}

/** A client bound to one tenant's key. */
export function as(key: string) {
	return <T = Record<string, unknown>>(method: string, path: string, json?: unknown) =>
		call<T>(key, method, path, json);
}

/** A tenant with a source, a subscription that has delivered one event, and its secrets. */
export async function populatedTenant(prefix: string) {
	const tenant = await newTenant(prefix);
	const api = as(tenant.key);
	const source = await api<{ secret: string }>("PUT", "/v1/sources/vb", {
		provider: "voipbin",
		// VoIPbin generates its secret; a source for it is given the one copied from VoIPbin.
		secret: "copied-from-voipbin",
	});
	await seedVoipbin(tenant.id, "vb2");
	const sink = sinkName();
	const sub = await api<{ id: string; secret: string }>("POST", "/v1/subscriptions", { url: sinkUrl("ok", sink) });
	const [event] = await postCalls(tenant.id, 1, { source: "vb2" });
	await waitFor(sink, (r) => r.length >= 1);
	return {
		...tenant,
		api,
		sourceSecret: source.body.secret,
		subId: sub.body.id,
		subSecret: sub.body.secret,
		eventId: event?.id ?? "",
	};
}
