/**
 * API authentication. Admins present the ADMIN_TOKEN Worker secret; tenants present an `hf_` key, of
 * which only a SHA-256 is stored. Failures say as little as possible.
 */
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { readApiKey } from "./config";
import { utf8 } from "./crypto/bytes";
import { timingSafeEqualText } from "./crypto/constant-time";
import { sha256Hex } from "./crypto/hmac";
import { MAX_API_BODY_BYTES, problem } from "./problem";

export type TenantVariables = { tenant: string; keyId: string };

/**
 * The same answer whatever was presented (nothing, a wrong token, the other kind of credential): it
 * names the credential the route takes, never how close the one given was.
 */
const unauthorized = (takes: "admin" | "tenant") =>
	problem(
		"unauthorized",
		{
			detail:
				takes === "admin"
					? "This route takes the admin token: Authorization: Bearer <ADMIN_TOKEN>. Tenant API keys (hf_...) are not accepted here."
					: "This route takes a tenant API key: Authorization: Bearer hf_... (POST /v1/tenants returns one). The admin token is not accepted here.",
		},
		{ "www-authenticate": "Bearer" },
	);

function bearer(header: string | undefined): string | null {
	const match = header ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
	return match?.[1] ?? null;
}

/**
 * The body limit of the management API, applied once the caller is authenticated: an unauthenticated
 * request gets its 401 without its body being read. The largest valid body (a subscription with 100
 * filters and 100 sources) is about 30 KB.
 */
const limitBody = bodyLimit({
	maxSize: MAX_API_BODY_BYTES,
	onError: () => {
		throw problem("payload_too_large", { detail: `The body is larger than ${MAX_API_BODY_BYTES} bytes.` });
	},
});

/** A new tenant API key: `hf_` and 32 random bytes, base64url. Shown once, stored only as a hash. */
export function generateApiKey(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(32));
	return `hf_${btoa(String.fromCharCode(...bytes))
		.replace(/\+/g, "-")
		.replace(/\//g, "_")
		.replace(/=+$/, "")}`;
}

export const hashApiKey = (key: string) => sha256Hex(utf8(key));

/** Admin routes: `Authorization: Bearer <ADMIN_TOKEN>`; 503 with instructions when it is not set. */
export const requireAdmin = createMiddleware<{ Bindings: Env }>(async (c, next) => {
	const expected = c.env.ADMIN_TOKEN;
	if (!expected) {
		throw problem("admin_token_unset", {
			detail:
				"Set the ADMIN_TOKEN secret: `npx wrangler secret put ADMIN_TOKEN` for a deployment; locally `npm run dev` sets ADMIN_TOKEN=dev-admin-token unless ADMIN_TOKEN is in your environment.",
		});
	}
	const presented = bearer(c.req.header("authorization"));
	if (presented === null || !timingSafeEqualText(presented, expected)) throw unauthorized("admin");
	await limitBody(c, next);
});

/** Tenant routes: `Authorization: Bearer hf_...`; sets `tenant` and `keyId`. */
export const requireTenant = createMiddleware<{ Bindings: Env; Variables: TenantVariables }>(async (c, next) => {
	const presented = bearer(c.req.header("authorization"));
	if (presented === null || !presented.startsWith("hf_") || presented.length > 200) throw unauthorized("tenant");
	// The lookup is by hash, so no stored key is ever compared with the presented one byte by byte.
	const record = await readApiKey(c.env.CONFIG, await hashApiKey(presented));
	if (!record) throw unauthorized("tenant");
	c.set("tenant", record.tenant);
	c.set("keyId", record.key_id);
	await limitBody(c, next);
});
