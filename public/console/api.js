/**
 * The console's only way to hookfan: the public tenant API, with the key as a bearer token. Whatever
 * the console does, a script can do with the same calls (see /docs).
 */

/** A failed call: the HTTP status (0 when hookfan could not be reached) and its problem+json body. */
export class ApiError extends Error {
	constructor(status, problem) {
		super(problemText(status, problem));
		this.status = status;
		this.problem = problem;
	}
}

function problemText(status, problem) {
	if (!problem || typeof problem !== "object") return `hookfan answered ${status}`;
	const issues = Array.isArray(problem.issues)
		? problem.issues.map((i) => `${(i.path ?? []).join(".") || "body"}: ${i.message}`).join("; ")
		: "";
	return [problem.title, problem.detail, issues].filter(Boolean).join(": ") || `hookfan answered ${status}`;
}

/**
 * A client bound to one API key. `onUnauthorized` runs on any 401 (a key revoked while signed in), so
 * the console can sign out and show nothing more.
 */
export function client(key, onUnauthorized = () => {}) {
	return async function api(method, path, body) {
		let res;
		try {
			res = await fetch(path, {
				method,
				cache: "no-store",
				headers: {
					authorization: `Bearer ${key}`,
					...(body !== undefined ? { "content-type": "application/json" } : {}),
				},
				...(body !== undefined ? { body: JSON.stringify(body) } : {}),
			});
		} catch (err) {
			throw new ApiError(0, { title: "hookfan could not be reached", detail: err.message });
		}
		const text = await res.text();
		let data = null;
		try {
			data = text ? JSON.parse(text) : null;
		} catch {
			data = { title: text.slice(0, 200) };
		}
		if (res.status === 401) onUnauthorized();
		if (!res.ok) throw new ApiError(res.status, data);
		return data;
	};
}

/** Runs `fn` over items with at most `limit` calls in flight; results in input order. */
export async function mapLimit(items, limit, fn) {
	const out = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const i = next++;
			out[i] = await fn(items[i], i);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return out;
}
