/**
 * The gateway's HTTP API as the CLI calls it. A non-2xx answer becomes a `CliError` carrying the
 * problem+json `title`, `detail` and `code`, which `main` prints before exiting non-zero.
 */

/** A failure the user should see as a message, not a stack trace. */
export class CliError extends Error {
	readonly status: number | undefined;
	readonly code: string | undefined;

	constructor(message: string, status?: number, code?: string) {
		super(message);
		this.status = status;
		this.code = code;
	}
}

/** One RFC 9457 answer, as far as the CLI reads it. */
interface Problem {
	title?: string;
	detail?: string;
	code?: string;
	issues?: { path?: (string | number)[]; message?: string }[];
}

function describeProblem(status: number, problem: Problem, fallback: string): string {
	const head = problem.title ?? fallback;
	const detail = problem.detail ? `: ${problem.detail}` : "";
	const issues = (problem.issues ?? []).map((i) => `\n  ${(i.path ?? []).join(".") || "(body)"}: ${i.message ?? ""}`);
	const code = problem.code ? ` (${status} ${problem.code})` : ` (${status})`;
	return `${head}${detail}${code}${issues.join("")}`;
}

export interface RequestOptions {
	body?: unknown;
	query?: Record<string, string | number | undefined>;
	signal?: AbortSignal;
}

/** A client bound to one gateway and one bearer token (a tenant key or the admin token). */
export class ApiClient {
	readonly url: string;
	readonly #token: string;

	constructor(url: string, token: string) {
		this.url = url;
		this.#token = token;
	}

	async request<T>(method: string, path: string, { body, query, signal }: RequestOptions = {}): Promise<T> {
		const target = new URL(`${this.url}${path}`);
		for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) target.searchParams.set(k, String(v));
		let res: Response;
		try {
			res = await fetch(target, {
				method,
				headers: {
					authorization: `Bearer ${this.#token}`,
					accept: "application/json, application/problem+json",
					...(body !== undefined ? { "content-type": "application/json" } : {}),
				},
				...(body !== undefined ? { body: JSON.stringify(body) } : {}),
				...(signal ? { signal } : {}),
			});
		} catch (err) {
			if (signal?.aborted) throw err;
			const cause = (err as { cause?: { code?: string; message?: string } }).cause;
			throw new CliError(`cannot reach ${this.url} (${cause?.code ?? cause?.message ?? String(err)})`);
		}
		const text = await res.text();
		if (!res.ok) {
			let problem: Problem = {};
			try {
				problem = JSON.parse(text) as Problem;
			} catch {
				// not problem+json (a proxy's page, say): the status line is all there is
			}
			const fallback = `${method} ${target.pathname} answered ${res.status} ${res.statusText}`;
			throw new CliError(describeProblem(res.status, problem, fallback), res.status, problem.code);
		}
		return (text ? JSON.parse(text) : null) as T;
	}
}

/** A page of a list route. */
export interface Page<T> {
	data: T[];
	next_cursor: string | null;
}
