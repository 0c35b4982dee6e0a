/**
 * Where the CLI finds the gateway and its credentials: a flag, else the environment, else the
 * per-user config file that `hookfan login` writes, else the default (the URL only).
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { CliError } from "./client.ts";

export const DEFAULT_URL = "http://localhost:8787";

/** What `hookfan login` stores. */
export interface StoredConfig {
	url?: string;
	key?: string;
	admin_token?: string;
}

/** The settings a command runs with. */
export interface Settings {
	url: string;
	key: string | undefined;
	adminToken: string | undefined;
}

/** `$XDG_CONFIG_HOME/hookfan/config.json`, or `~/.config/hookfan/config.json`. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
	const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
	return join(base, "hookfan", "config.json");
}

/** The stored config, or `{}` when there is none. A file that does not parse is an error, not `{}`. */
export function readConfig(path: string): StoredConfig {
	let text: string;
	try {
		text = readFileSync(path, "utf8");
	} catch {
		return {};
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		parsed = null;
	}
	if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
		throw new CliError(`${path} is not a JSON object: fix it, or delete it with \`hookfan logout\``);
	}
	const { url, key, admin_token } = parsed as Record<string, unknown>;
	const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
	return { url: str(url), key: str(key), admin_token: str(admin_token) };
}

/** Writes the config readable by its owner only (0600): it holds an API key. */
export function writeConfig(path: string, config: StoredConfig): void {
	mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
	writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
	// writeFileSync's mode applies only when it creates the file: tighten an existing one too.
	chmodSync(path, 0o600);
}

export function removeConfig(path: string): void {
	rmSync(path, { force: true });
}

/** Flag > environment > config file > default, per setting. Empty strings count as unset. */
export function resolveSettings(
	flags: { url?: string | undefined; key?: string | undefined; adminToken?: string | undefined },
	env: NodeJS.ProcessEnv,
	stored: StoredConfig,
): Settings {
	const pick = (...values: (string | undefined)[]) => values.find((v) => v !== undefined && v !== "");
	const url = pick(flags.url, env.HOOKFAN_URL, stored.url) ?? DEFAULT_URL;
	return {
		url: url.replace(/\/+$/, ""),
		key: pick(flags.key, env.HOOKFAN_KEY, stored.key),
		adminToken: pick(flags.adminToken, env.HOOKFAN_ADMIN_TOKEN, stored.admin_token),
	};
}
