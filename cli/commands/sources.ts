/** `hookfan sources list|create|rejections`: the endpoints providers post to. */
import type { Command } from "commander";
import { CliError, type Page } from "../client.ts";
import { addListCommand, collectList, globals, positiveInt, tenantClient } from "../context.ts";
import { localTime, printFields, printJson, printMore, printTable } from "../output.ts";

interface Source {
	id: string;
	provider: string;
	ingest_url: string;
	secret?: string;
	[option: string]: unknown;
}

const PROVIDERS = ["rapidpro", "cloudcontactai", "telerivet", "voxsig", "voipbin", "standardwebhooks"];

/** `key=value` pairs into an object; values stay strings (`--options` takes JSON for the rest). */
function parsePairs(pairs: string[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (const pair of pairs) {
		const at = pair.indexOf("=");
		if (at < 1) throw new CliError(`--set takes key=value, not ${pair}`);
		out[pair.slice(0, at)] = pair.slice(at + 1);
	}
	return out;
}

function parseOptions(json: string | undefined): Record<string, unknown> {
	if (json === undefined) return {};
	let value: unknown;
	try {
		value = JSON.parse(json);
	} catch {
		throw new CliError("--options is not valid JSON");
	}
	if (typeof value !== "object" || value === null || Array.isArray(value))
		throw new CliError("--options must be a JSON object");
	return value as Record<string, unknown>;
}

/** A refused request as `GET /v1/sources/{id}/rejections` lists it (the `Rejection` read model). */
interface Rejection {
	id: number;
	at: string;
	reason: string;
	hint: string;
	detail: { skew_seconds?: number; expected?: string; issues?: string[]; message?: string; limit_bytes?: number };
	method: string;
	content_type: string | null;
	header_names: string[];
	body_bytes: number | null;
	user_agent: string | null;
}

/** The page, with counters of every refusal (stored in full or not). */
interface RejectionPage extends Page<Rejection> {
	counts: { total: number; by_reason: Record<string, number>; since: string | null; last_at: string | null };
}

/** A rejection's reason-specific facts in a few words. */
function detailText(d: Rejection["detail"]): string {
	const parts: string[] = [];
	if (d.skew_seconds !== undefined) {
		parts.push(`skew ${d.skew_seconds > 0 ? "+" : ""}${d.skew_seconds} s (${d.skew_seconds > 0 ? "future" : "past"})`);
	}
	if (d.expected) parts.push(`expected ${d.expected}`);
	if (d.issues?.length) parts.push(d.issues.join(", "));
	if (d.message) parts.push(d.message);
	if (d.limit_bytes !== undefined) parts.push(`limit ${d.limit_bytes} bytes`);
	return parts.join("; ");
}

export function addSources(program: Command): void {
	const sources = program.command("sources").description("Manage sources: where providers post webhooks");

	addListCommand<Source>(sources, {
		description: "List sources (secrets are never listed)",
		path: "/v1/sources",
		headers: ["id", "provider", "ingest url"],
		row: (s) => [s.id, s.provider, s.ingest_url],
		empty: "No sources yet: hookfan sources create <id> --provider <provider>",
	});

	sources
		.command("create")
		.description("Create (or replace) a source; a secret is generated unless given, and shown once")
		.argument("<id>", "source id, a slug: the last part of the ingest URL")
		.requiredOption("--provider <provider>", `one of ${PROVIDERS.join(", ")}`)
		.option("--secret <secret>", "the secret the provider signs with (default: generated)")
		.option("--set <key=value>", "a provider option as a string, e.g. client_id=1231 (repeatable)", collectList, [])
		.option("--options <json>", "provider options as a JSON object, e.g. '{\"tolerance_seconds\":600}'")
		.action(
			async (
				id: string,
				opts: { provider: string; secret?: string; set: string[]; options?: string },
				cmd: Command,
			) => {
				const body = {
					...parseOptions(opts.options),
					...parsePairs(opts.set),
					provider: opts.provider,
					...(opts.secret ? { secret: opts.secret } : {}),
				};
				const source = await tenantClient(cmd).request<Source>("PUT", `/v1/sources/${encodeURIComponent(id)}`, {
					body,
				});
				if (globals(cmd).json) return printJson(source);
				const { id: sourceId, provider, ingest_url, secret, ...options } = source;
				printFields([
					["source", sourceId],
					["provider", provider],
					["ingest url", ingest_url],
					["secret", secret],
					...Object.entries(options),
				]);
				process.stdout.write(
					"\nConfigure the provider to post to the ingest URL with this secret; it is shown only now.\n",
				);
			},
		);

	sources
		.command("rejections")
		.description(
			"Recent requests the gateway refused for a source: why (bad signature, stale timestamp, ...), a hint, and counts",
		)
		.argument("<id>", "source id")
		.option("--limit <n>", "page size", positiveInt)
		.option("--cursor <cursor>", "next_cursor from the previous page")
		.action(async (id: string, opts: { limit?: number; cursor?: string }, cmd: Command) => {
			const client = tenantClient(cmd);
			const path = `/v1/sources/${encodeURIComponent(id)}`;
			let page: RejectionPage;
			try {
				page = await client.request<RejectionPage>("GET", `${path}/rejections`, { query: opts });
			} catch (err) {
				if (!(err instanceof CliError) || err.status !== 404) throw err;
				// 404 is either an unknown source or a gateway without the route: say which.
				await client.request("GET", path);
				throw new CliError(
					`this gateway does not record rejections (GET ${path}/rejections answered 404); a newer hookfan does`,
					404,
				);
			}
			if (globals(cmd).json) return printJson(page);
			const rows = page.data.map((r) => [
				localTime(new Date(r.at)),
				r.reason,
				detailText(r.detail),
				`${r.method} ${r.body_bytes ?? "?"} B`,
				r.user_agent,
			]);
			printTable(["at", "reason", "detail", "request", "user agent"], rows, `No refused requests for ${id}.`);
			const { total, by_reason, since } = page.counts;
			if (total > 0) {
				const reasons = Object.entries(by_reason).map(([reason, n]) => `${reason} ${n}`);
				process.stdout.write(
					`\n${total} refused since ${localTime(new Date(since ?? 0))}: ${reasons.join(", ")}` +
						" (only the latest 50 are listed, at most 10 a minute)\n",
				);
				const hints = new Map(page.data.map((r) => [r.reason, r.hint]));
				for (const [reason, hint] of hints) process.stdout.write(`${reason}: ${hint}\n`);
			}
			printMore(page.next_cursor);
		});
}
