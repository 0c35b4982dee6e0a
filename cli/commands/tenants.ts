/** `hookfan tenants create`: the one admin command (admin token, not a tenant key). */
import type { Command } from "commander";
import { adminClient, globals } from "../context.ts";
import { printFields, printJson } from "../output.ts";

interface TenantCreated {
	id: string;
	name: string | null;
	created_at: string;
	api_key: string;
	api_key_id: string;
}

export function addTenants(program: Command): void {
	const tenants = program
		.command("tenants")
		.description("Manage tenants (admin)")
		.option("--admin-token <token>", "admin token (env HOOKFAN_ADMIN_TOKEN, or the config file)");

	tenants
		.command("create")
		.description("Create a tenant and its first API key (shown once)")
		.argument("<id>", "tenant id, a slug: [a-z0-9][a-z0-9-]{0,62}")
		.option("--name <name>", "display name")
		.action(async (id: string, opts: { name?: string }, cmd: Command) => {
			const body = { id, ...(opts.name ? { name: opts.name } : {}) };
			const created = await adminClient(cmd).request<TenantCreated>("POST", "/v1/tenants", { body });
			if (globals(cmd).json) return printJson(created);
			printFields([
				["tenant", created.id],
				["name", created.name],
				["api key", created.api_key],
				["key id", created.api_key_id],
			]);
			process.stdout.write(
				`\nThe API key is shown only now. Store it: hookfan login --url ${adminClient(cmd).url} --key ${created.api_key}\n`,
			);
		});
}
