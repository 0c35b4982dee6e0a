/** What every command needs from the global options: the settings and an API client. */
import type { Command } from "commander";
import { ApiClient, CliError, type Page } from "./client.ts";
import { configPath, readConfig, resolveSettings, type Settings } from "./config.ts";
import { printJson, printMore, printTable } from "./output.ts";

/** The options every command accepts (declared on the program). */
export interface GlobalOptions {
	url?: string;
	key?: string;
	adminToken?: string;
	json?: boolean;
}

export function globals(cmd: Command): GlobalOptions {
	return cmd.optsWithGlobals<GlobalOptions>();
}

export function settingsOf(cmd: Command): Settings {
	return resolveSettings(globals(cmd), process.env, readConfig(configPath()));
}

/** A client with the tenant API key, or an error saying how to give one. */
export function tenantClient(cmd: Command): ApiClient {
	const { url, key } = settingsOf(cmd);
	if (!key) throw new CliError("no API key: pass --key hf_..., set HOOKFAN_KEY, or run `hookfan login`");
	return new ApiClient(url, key);
}

/** A client with the admin token, or an error saying how to give one. */
export function adminClient(cmd: Command): ApiClient {
	const { url, adminToken } = settingsOf(cmd);
	if (!adminToken) {
		throw new CliError(
			"no admin token: pass --admin-token or set HOOKFAN_ADMIN_TOKEN (`npm run dev` uses dev-admin-token)",
		);
	}
	return new ApiClient(url, adminToken);
}

/** Splits `a,b` and repeated flags into one list. */
export function collectList(value: string, previous: string[] = []): string[] {
	return [
		...previous,
		...value
			.split(",")
			.map((v) => v.trim())
			.filter(Boolean),
	];
}

/** A positive integer option. */
export function positiveInt(value: string): number {
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1) throw new CliError(`not a positive integer: ${value}`);
	return n;
}

/** What a list command shows: the route, its table's columns and a row per item. */
export interface ListSpec<T> {
	description: string;
	path: string;
	headers: string[];
	row(item: T): (string | number | null | undefined)[];
	empty: string;
}

/**
 * Adds a `list` command for a paginated route: `--limit`/`--cursor`, a table or `--json`. Options
 * added to the returned command are passed as query parameters too (`events list --type`).
 */
export function addListCommand<T>(parent: Command, spec: ListSpec<T>): Command {
	return parent
		.command("list")
		.description(spec.description)
		.option("--limit <n>", "page size (1-200)", positiveInt)
		.option("--cursor <cursor>", "next_cursor from the previous page")
		.action(async (opts: Record<string, string | number | undefined>, cmd: Command) => {
			const page = await tenantClient(cmd).request<Page<T>>("GET", spec.path, { query: opts });
			if (globals(cmd).json) return printJson(page);
			printTable(spec.headers, page.data.map(spec.row), spec.empty);
			printMore(page.next_cursor);
		});
}
