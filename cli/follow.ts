/**
 * What `listen` and `events tail` share: a polling subscription of their own (or one given with
 * `--subscription`), a long-poll loop with a progress line while idle, and a clean exit on Ctrl-C
 * that deletes the subscription it created (unless `--keep`).
 */
import type { Command } from "commander";
import { type ApiClient, CliError } from "./client.ts";
import { createPollingSubscription } from "./commands/subscriptions.ts";
import { collectList, globals, tenantClient } from "./context.ts";
import { type Envelope, type PollStatus, pollEvents } from "./poll.ts";
import { StatusLine } from "./status-line.ts";

interface FollowOptions {
	client: ApiClient;
	/** Reuse this subscription instead of creating one (it is never deleted). */
	subscription?: string | undefined;
	eventTypes: string[];
	keep: boolean;
	description: string;
	/** Whether to draw the progress line (a terminal, and not --json). */
	progress: boolean;
	/** Printed once the subscription is known. */
	banner(subscription: string, created: boolean): string[];
	/** Handles one envelope; its returned line is printed above the progress line. */
	handle(envelope: Envelope): Promise<string>;
}

/** The options `listen` and `events tail` share. */
export interface FollowFlags {
	types?: string[];
	subscription?: string;
	keep?: boolean;
}

/** Adds `--types`, `--subscription` and `--keep` to a following command. */
export function addFollowOptions(cmd: Command, verb: string): Command {
	return cmd
		.option("--types <types>", `event types to ${verb}, comma-separated (default *)`, collectList)
		.option("--subscription <id>", "read this polling subscription instead of creating one")
		.option("--keep", "do not delete the subscription this command created on exit");
}

/** What a following command adds to the shared loop: its banner and what it does per event. */
export type FollowHooks = Pick<FollowOptions, "description" | "banner" | "handle">;

/** Runs `follow` for a command's flags (`--json` turns the progress line off); sets the exit code. */
export async function followCommand(cmd: Command, flags: FollowFlags, hooks: FollowHooks): Promise<void> {
	process.exitCode = await follow({
		client: tenantClient(cmd),
		subscription: flags.subscription,
		eventTypes: flags.types ?? [],
		keep: flags.keep === true,
		progress: globals(cmd).json !== true,
		...hooks,
	});
}

/** Runs until SIGINT/SIGTERM; resolves with the exit code (130 / 143, as a shell reports them). */
export async function follow(options: FollowOptions): Promise<number> {
	const { client, eventTypes, keep, progress } = options;
	const status = new StatusLine(process.stdout, progress && process.stdout.isTTY === true);
	const stop = new AbortController();
	let exitCode = 0;
	// One handler for both signals; a second Ctrl-C (a terminal sends it to the whole process group,
	// and the launcher forwards it too) must not cut the cleanup short.
	const onSignal = (signal: NodeJS.Signals) => {
		if (stop.signal.aborted) return;
		exitCode = signal === "SIGINT" ? 130 : 143;
		stop.abort();
	};
	process.on("SIGINT", onSignal);
	process.on("SIGTERM", onSignal);

	const created = options.subscription === undefined;
	const id = options.subscription ?? (await createPollingSubscription(client, eventTypes, options.description)).id;
	let gone = false;
	try {
		for (const line of options.banner(id, created)) status.print(line);
		const onStatus = (s: PollStatus) => {
			if (s.state === "waiting") return status.set("Waiting for events... (Ctrl-C to stop)");
			const text = `Gateway unreachable (${s.error}); retrying in ${s.inSeconds} s`;
			// Without a terminal there is no progress line: say it once per retry on stderr instead.
			if (status.enabled) status.set(text);
			else process.stderr.write(`${text}\n`);
		};
		for await (const batch of pollEvents(client, { subscription: id, signal: stop.signal, onStatus })) {
			for (const envelope of batch) status.print(await options.handle(envelope));
		}
	} catch (err) {
		if (!(err instanceof CliError) || err.status !== 404) throw err;
		gone = true;
		throw new CliError(`polling subscription ${id} no longer exists (${err.message})`, 404);
	} finally {
		status.stop();
		process.off("SIGINT", onSignal);
		process.off("SIGTERM", onSignal);
		if (created && !keep && !gone) {
			await client
				.request("DELETE", `/v1/subscriptions/${encodeURIComponent(id)}`, { signal: AbortSignal.timeout(5000) })
				.then(() => process.stdout.write(`Deleted subscription ${id}\n`))
				.catch((err: Error) => process.stderr.write(`Could not delete subscription ${id}: ${err.message}\n`));
		} else if (created && !gone) {
			process.stdout.write(`Kept subscription ${id}: resume with --subscription ${id}\n`);
		}
	}
	return exitCode;
}
