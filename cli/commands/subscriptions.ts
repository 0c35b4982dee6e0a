/** `hookfan subscriptions ...`: where the tenant's events go, and their delivery state. */
import type { Command } from "commander";
import { type ApiClient, CliError } from "../client.ts";
import { addListCommand, collectList, globals, positiveInt, tenantClient } from "../context.ts";
import { printFields, printJson } from "../output.ts";

export interface Subscription {
	id: string;
	type?: string;
	url?: string;
	event_types: string[];
	sources?: string[];
	ordering?: string;
	status: string;
	description?: string;
	secret?: string;
	state?: { backlog: number; head_sequence: number; last_success_at: string | null };
	[field: string]: unknown;
}

const subPath = (id: string) => `/v1/subscriptions/${encodeURIComponent(id)}`;

/** Where a subscription delivers: its URL, or `(polling)`. */
const target = (s: Subscription) => s.url ?? `(${s.type ?? "polling"})`;

function printSubscription(s: Subscription): void {
	printFields([
		["subscription", s.id],
		["target", target(s)],
		["status", s.status],
		["event types", s.event_types.join(", ")],
		["sources", s.sources?.join(", ") ?? "all"],
		["ordering", s.ordering],
		["description", s.description],
		...(s.state
			? ([
					["backlog", s.state.backlog],
					["last success", s.state.last_success_at],
				] as [string, unknown][])
			: []),
		...(s.secret ? ([["secret", s.secret]] as [string, unknown][]) : []),
	]);
}

/** Creates a polling subscription (`listen` and `events tail` use one of their own). */
export async function createPollingSubscription(client: ApiClient, eventTypes: string[], description: string) {
	const body = { type: "polling", event_types: eventTypes.length > 0 ? eventTypes : ["*"], description };
	try {
		return await client.request<Subscription>("POST", "/v1/subscriptions", { body });
	} catch (err) {
		// A gateway from before polling subscriptions refuses the unknown `type` key (zod's strict object).
		if (err instanceof CliError && err.status === 422 && /Unrecognized key.*"type"/.test(err.message)) {
			throw new CliError(
				`this gateway does not serve polling subscriptions, which ${description} needs; a newer hookfan does`,
				422,
			);
		}
		throw err;
	}
}

function addStatusCommand(subs: Command, action: "pause" | "resume", description: string): void {
	subs
		.command(action)
		.description(description)
		.argument("<id>", "subscription id (sub_...)")
		.action(async (id: string, _opts: unknown, cmd: Command) => {
			const sub = await tenantClient(cmd).request<Subscription>("POST", `${subPath(id)}/${action}`);
			if (globals(cmd).json) return printJson(sub);
			process.stdout.write(`${sub.id} is ${sub.status}\n`);
		});
}

export function addSubscriptions(program: Command): void {
	const subs = program.command("subscriptions").description("Manage subscriptions: where events are delivered");

	addListCommand<Subscription>(subs, {
		description: "List subscriptions",
		path: "/v1/subscriptions",
		headers: ["id", "status", "target", "event types", "sources"],
		row: (s) => [s.id, s.status, target(s), s.event_types.join(","), s.sources?.join(",") ?? "all"],
		empty: "No subscriptions yet: hookfan subscriptions create --endpoint <url>",
	});

	subs
		.command("create")
		.description("Create a subscription; its whsec_ signing secret is shown once")
		// Not --url: that is the gateway's, on every command.
		.option("--endpoint <url>", "where to POST events (https, unless the gateway allows insecure targets)")
		.option("--polling", "a polling subscription (no URL): read it with `events tail --subscription`")
		.option("--types <types>", "event types: *, resource.* or exact types, comma-separated (default *)", collectList)
		.option("--sources <ids>", "only events from these sources, comma-separated", collectList)
		.option("--unordered", "deliver without waiting for earlier events (default: in order)")
		.option("--description <text>", "a note for people")
		.action(async (opts: CreateOptions, cmd: Command) => {
			if (!opts.endpoint === !opts.polling) throw new CliError("give exactly one of --endpoint or --polling");
			const body = {
				...(opts.endpoint ? { url: opts.endpoint } : { type: "polling" }),
				...(opts.types ? { event_types: opts.types } : {}),
				...(opts.sources ? { sources: opts.sources } : {}),
				...(opts.unordered ? { ordering: "unordered" } : {}),
				...(opts.description ? { description: opts.description } : {}),
			};
			const sub = await tenantClient(cmd).request<Subscription>("POST", "/v1/subscriptions", { body });
			if (globals(cmd).json) return printJson(sub);
			printSubscription(sub);
			if (sub.secret) process.stdout.write("\nVerify deliveries with this secret; it is shown only now.\n");
		});

	subs
		.command("show")
		.description("One subscription with its delivery state")
		.argument("<id>", "subscription id (sub_...)")
		.action(async (id: string, _opts: unknown, cmd: Command) => {
			const sub = await tenantClient(cmd).request<Subscription>("GET", subPath(id));
			if (globals(cmd).json) return printJson(sub);
			printSubscription(sub);
		});

	addStatusCommand(subs, "pause", "Pause deliveries; events keep accumulating");
	addStatusCommand(subs, "resume", "Resume deliveries (also a disabled subscription), in order");

	subs
		.command("replay")
		.description("Send matching events again, in order, from a sequence number or a time")
		.argument("<id>", "subscription id (sub_...)")
		.option("--since-sequence <n>", "replay events from this sequence number on", positiveInt)
		.option("--since <time>", "replay events received from this ISO 8601 time on, e.g. 2026-11-30T12:00:00Z")
		.action(async (id: string, opts: { sinceSequence?: number; since?: string }, cmd: Command) => {
			if ((opts.sinceSequence === undefined) === (opts.since === undefined))
				throw new CliError("give exactly one of --since-sequence or --since");
			const body = opts.sinceSequence !== undefined ? { since_sequence: opts.sinceSequence } : { since: opts.since };
			const result = await tenantClient(cmd).request<{ replayed: number }>("POST", `${subPath(id)}/replay`, { body });
			if (globals(cmd).json) return printJson(result);
			process.stdout.write(`Replaying ${result.replayed} event(s) to ${id}\n`);
		});

	subs
		.command("delete")
		.description("Delete a subscription with its delivery state")
		.argument("<id>", "subscription id (sub_...)")
		.action(async (id: string, _opts: unknown, cmd: Command) => {
			await tenantClient(cmd).request("DELETE", subPath(id));
			if (globals(cmd).json) return printJson({ deleted: id });
			process.stdout.write(`Deleted ${id}\n`);
		});
}

interface CreateOptions {
	endpoint?: string;
	polling?: boolean;
	types?: string[];
	sources?: string[];
	unordered?: boolean;
	description?: string;
}
