/** `hookfan login` / `logout`: store or forget the gateway URL and credentials in the config file. */
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { ApiClient, CliError } from "../client.ts";
import { configPath, readConfig, removeConfig, type StoredConfig, writeConfig } from "../config.ts";
import { globals, settingsOf } from "../context.ts";

async function ask(question: string): Promise<string> {
	const rl = createInterface({ input: process.stdin, output: process.stderr });
	try {
		return (await rl.question(question)).trim();
	} finally {
		rl.close();
	}
}

export function addLogin(program: Command): void {
	program
		.command("login")
		.description(
			"Check an API key against the gateway and store the URL and key (and an admin token, if given) in the per-user config file",
		)
		.addHelpText(
			"after",
			"\nThe file is $XDG_CONFIG_HOME/hookfan/config.json (default ~/.config/hookfan/config.json), mode 0600.\nWithout --key, login asks for it when stdin is a terminal.",
		)
		.action(async (_opts: unknown, cmd: Command) => {
			const opts = globals(cmd);
			const { url } = settingsOf(cmd);
			let key = opts.key ?? process.env.HOOKFAN_KEY;
			if (!key && process.stdin.isTTY) key = await ask(`API key for ${url}: `);
			if (!key && !opts.adminToken) throw new CliError("nothing to store: pass --key hf_... (or --admin-token)");
			if (key) {
				// A cheap authenticated read: a wrong key is refused now, not at the first real command.
				await new ApiClient(url, key).request("GET", "/v1/sources", { query: { limit: 1 } });
			}
			const path = configPath();
			const stored: StoredConfig = { ...readConfig(path), url };
			if (key) stored.key = key;
			if (opts.adminToken) stored.admin_token = opts.adminToken;
			writeConfig(path, stored);
			process.stdout.write(`Logged in to ${url}; saved to ${path}\n`);
		});

	program
		.command("logout")
		.description("Delete the per-user config file")
		.action(() => {
			removeConfig(configPath());
			process.stdout.write(`Removed ${configPath()}\n`);
		});
}
