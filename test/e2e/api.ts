/** Talks to a running gateway's management API from Node, as a tenant's script would. */

export interface Gateway {
	url: string;
	adminToken: string;
}

/** One authenticated JSON call; throws with the answer on a non-2xx. */
export async function request<T>(url: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
	const res = await fetch(`${url}${path}`, {
		method,
		headers: {
			authorization: `Bearer ${token}`,
			...(body !== undefined ? { "content-type": "application/json" } : {}),
		},
		...(body !== undefined ? { body: JSON.stringify(body) } : {}),
	});
	const text = await res.text();
	if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
	return (text ? JSON.parse(text) : null) as T;
}

/** Creates a tenant and returns a client bound to its API key. */
export async function createTenant(gw: Gateway, id: string) {
	const { api_key } = await request<{ api_key: string }>(gw.url, gw.adminToken, "POST", "/v1/tenants", { id });
	return <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
		request<T>(gw.url, api_key, method, path, body);
}
