/** `hookfan events list|show|tail`: the tenant's event log. */
import type { Command } from "commander";
import { addListCommand, globals, tenantClient } from "../context.ts";
import { addFollowOptions, type FollowFlags, followCommand } from "../follow.ts";
import { localTime, printFields, printJson, printTable } from "../output.ts";
import type { Envelope } from "../poll.ts";

interface EventSummary {
	id: string;
	sequence: number;
	type: string;
	source: string;
	received_at: string;
}

interface EventDetail {
	envelope: Envelope;
	deliveries: {
		subscription_id: string;
		state: string;
		attempts: number;
		last_status: number | null;
		last_error: string | null;
	}[];
	attempts: {
		subscription_id: string;
		attempt: number;
		at: string;
		status: number | null;
		error: string | null;
		latency_ms: number;
	}[];
}

const time = (iso: string | undefined) => (iso ? localTime(new Date(iso)) : "-");

/** One line per event for `tail`: time, type, id, source, sequence. */
export function eventLine(e: Envelope): string {
	return `${time(e.received_at)}  ${e.type.padEnd(24)} ${e.id}  ${e.source ?? "-"}  #${e.sequence ?? "-"}`;
}

export function addEvents(program: Command): void {
	const events = program.command("events").description("Read the event log");

	addListCommand<EventSummary>(events, {
		description: "List events, newest first",
		path: "/v1/events",
		headers: ["seq", "id", "type", "source", "received"],
		row: (e) => [e.sequence, e.id, e.type, e.source, time(e.received_at)],
		empty: "No events.",
	})
		.option("--type <type>", "only this event type, e.g. message.received")
		.option("--source <id>", "only events from this source");

	events
		.command("show")
		.description("One event: its envelope, delivery state per subscription and attempts")
		.argument("<id>", "event id (evt_...)")
		.action(async (id: string, _opts: unknown, cmd: Command) => {
			const detail = await tenantClient(cmd).request<EventDetail>("GET", `/v1/events/${encodeURIComponent(id)}`);
			if (globals(cmd).json) return printJson(detail);
			printFields(Object.entries(detail.envelope));
			process.stdout.write("\nDeliveries\n");
			const deliveries = detail.deliveries.map((d) => [
				d.subscription_id,
				d.state,
				d.attempts,
				d.last_status,
				d.last_error,
			]);
			printTable(["subscription", "state", "attempts", "last status", "last error"], deliveries, "  none");
			process.stdout.write("\nAttempts\n");
			const attempts = detail.attempts.map((a) => [
				time(a.at),
				a.subscription_id,
				a.attempt,
				a.status,
				`${a.latency_ms} ms`,
				a.error,
			]);
			printTable(["at", "subscription", "#", "status", "latency", "error"], attempts, "  none");
		});

	const tail = events
		.command("tail")
		.description("Follow events as they arrive (through a polling subscription), until Ctrl-C");
	addFollowOptions(tail, "follow").action(async (flags: FollowFlags, cmd: Command) => {
		const json = globals(cmd).json === true;
		await followCommand(cmd, flags, {
			description: "hookfan events tail",
			// --json is one envelope a line (NDJSON): the banner goes to stderr.
			banner: (id, created) => {
				const line = `${created ? "Created" : "Following"} polling subscription ${id}`;
				if (json) process.stderr.write(`${line}\n`);
				return json ? [] : [line];
			},
			handle: async (e) => (json ? JSON.stringify(e) : eventLine(e)),
		});
	});
}
