/**
 * `hookfan listen --forward-to <url>`: relays the tenant's events to a local server as they arrive,
 * signed with Standard Webhooks under a secret printed at start, like `stripe listen`.
 */
import type { Command } from "commander";
import { CliError } from "../client.ts";
import { globals, positiveInt } from "../context.ts";
import { addFollowOptions, type FollowFlags, followCommand } from "../follow.ts";
import { type ForwardResult, forwardEvent, newWebhookSecret } from "../forward.ts";
import { localTime } from "../output.ts";
import type { Envelope } from "../poll.ts";

interface ListenOptions extends FollowFlags {
	forwardTo: string;
	secret?: string;
	timeout?: number;
}

/** `2026-11-30 13:45:01  message.received  evt_...  -> 200 in 12 ms` */
export function forwardLine(e: Envelope, result: ForwardResult): string {
	const outcome =
		"error" in result ? `-> error: ${result.error} (${result.ms} ms)` : `-> ${result.status} in ${result.ms} ms`;
	return `${localTime()}  ${e.type.padEnd(24)} ${e.id}  ${outcome}`;
}

export function addListen(program: Command): void {
	const listen = program
		.command("listen")
		.description("Forward the tenant's events to a local server as they arrive, signed with Standard Webhooks")
		.requiredOption("--forward-to <url>", "where to POST each event, e.g. http://localhost:3000/webhooks");
	addFollowOptions(listen, "forward")
		.option("--secret <whsec>", "sign with this whsec_ secret instead of a new one")
		.option("--timeout <seconds>", "how long to wait for the local server", positiveInt, 10)
		.addHelpText(
			"after",
			"\nEach event is POSTed as JSON with webhook-id, webhook-timestamp and webhook-signature headers;\nverify them with the secret printed at start, e.g. new Webhook(secret).verify(body, headers)\nfrom the standardwebhooks package. Failed forwards are printed, not retried.",
		)
		.action(async (opts: ListenOptions, cmd: Command) => {
			if (!/^https?:\/\//.test(opts.forwardTo)) throw new CliError("--forward-to must be an http(s) URL");
			if (opts.subscription && opts.types) throw new CliError("--types applies only to a subscription listen creates");
			const secret = opts.secret ?? newWebhookSecret();
			const json = globals(cmd).json === true;
			await followCommand(cmd, opts, {
				description: `hookfan listen -> ${opts.forwardTo}`,
				banner: (id, created) => [
					`Ready! ${created ? "Created" : "Reading"} polling subscription ${id} (event types: ${(opts.types ?? ["*"]).join(", ")})`,
					`Forwarding to ${opts.forwardTo}`,
					`Signing secret: ${secret}`,
				],
				handle: async (e) => {
					const result = await forwardEvent(opts.forwardTo, e, { secret, timeoutMs: (opts.timeout ?? 10) * 1000 });
					if (!json) return forwardLine(e, result);
					return JSON.stringify({ id: e.id, type: e.type, ...result });
				},
			});
		});
}
