/**
 * `hookfan`: the gateway's command line. Builds the commander program; `hookfan.mjs` runs it.
 * Every command reads its gateway and credentials from flags, the environment or `hookfan login`.
 */
import { Command } from "commander";
import { CliError } from "./client.ts";
import { addEvents } from "./commands/events.ts";
import { addListen } from "./commands/listen.ts";
import { addLogin } from "./commands/login.ts";
import { addSources } from "./commands/sources.ts";
import { addSubscriptions } from "./commands/subscriptions.ts";
import { addTenants } from "./commands/tenants.ts";
import { DEFAULT_URL } from "./config.ts";

/** The whole program; `helpWidth` pins the help's line width (docs/cli.md is generated with it). */
export function buildProgram({ helpWidth }: { helpWidth?: number } = {}): Command {
	const program = new Command("hookfan");
	// Before the subcommands are added: they copy the help settings at creation.
	program.configureHelp({ showGlobalOptions: true, ...(helpWidth !== undefined ? { helpWidth } : {}) });
	program
		.description("Manage a hookfan webhook gateway, and relay its events to a local server")
		.option("--url <url>", `gateway URL (env HOOKFAN_URL, the config file, or ${DEFAULT_URL})`)
		.option("--key <key>", "tenant API key hf_... (env HOOKFAN_KEY, or the config file)")
		.option("--json", "print JSON instead of tables")
		.showHelpAfterError()
		.addHelpText(
			"after",
			"\nSettings: a flag wins over the environment, which wins over `hookfan login`'s config file.\nDocs: docs/cli.md",
		);
	addLogin(program);
	addTenants(program);
	addSources(program);
	addSubscriptions(program);
	addEvents(program);
	addListen(program);
	return program;
}

/** Runs the CLI on `argv`; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
	try {
		await buildProgram().parseAsync(argv);
		return typeof process.exitCode === "number" ? process.exitCode : 0;
	} catch (err) {
		if (!(err instanceof CliError)) throw err;
		process.stderr.write(`hookfan: ${err.message}\n`);
		return 1;
	}
}
