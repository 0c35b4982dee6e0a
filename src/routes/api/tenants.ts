/** Admin routes: tenants and their API keys. Guarded by ADMIN_TOKEN. */
import { createRoute, z } from "@hono/zod-openapi";
import { generateApiKey, hashApiKey, requireAdmin } from "../../auth";
import {
	deleteApiKey,
	legacySubscriptionKey,
	listAllKeys,
	putApiKey,
	readTenant,
	readTenantKey,
	sourceKey,
	spoolKey,
	TenantKeyRecordSchema,
	tenantKey,
	tenantKeyKey,
} from "../../config";
import { ulid } from "../../ids";
import { notFound, problem } from "../../problem";
import { forgetSource } from "../../source-store";
import { apiApp, body, errors, json, SlugParam } from "./common";

const TenantCreateSchema = z
	.object({ id: SlugParam, name: z.string().min(1).max(200).optional() })
	.openapi("TenantCreate");

const KeyViewSchema = z.object({ id: z.string(), prefix: z.string(), created_at: z.string() }).openapi("ApiKeyInfo");

const TenantSchema = z
	.object({ id: z.string(), name: z.string().nullable(), created_at: z.string(), keys: z.array(KeyViewSchema) })
	.openapi("Tenant");

const NewKeySchema = z
	.object({ id: z.string(), api_key: z.string().openapi({ description: "Shown once; only its hash is stored" }) })
	.openapi("NewApiKey");

const TenantCreatedSchema = z
	.object({
		id: z.string(),
		name: z.string().nullable(),
		created_at: z.string(),
		api_key: z.string(),
		api_key_id: z.string(),
	})
	.openapi("TenantCreated");

const IdParams = z.object({ id: SlugParam.openapi({ param: { name: "id", in: "path" } }) });
const KeyParams = IdParams.extend({
	key_id: z
		.string()
		.max(100)
		.openapi({ param: { name: "key_id", in: "path" } }),
});

const security = [{ adminToken: [] }];

/** Creates and stores a new key for a tenant; returns the key itself, which is never stored. */
async function issueKey(kv: KVNamespace, tenant: string): Promise<{ id: string; api_key: string; created_at: string }> {
	const apiKey = generateApiKey();
	const record = {
		id: `key_${ulid()}`,
		hash: await hashApiKey(apiKey),
		prefix: apiKey.slice(0, 7),
		created_at: new Date().toISOString(),
	};
	await putApiKey(kv, tenant, record);
	return { id: record.id, api_key: apiKey, created_at: record.created_at };
}

async function keysOf(kv: KVNamespace, tenant: string) {
	const names = await listAllKeys(kv, tenantKeyKey(tenant, ""));
	const records = await Promise.all(names.map(async (n) => TenantKeyRecordSchema.parse(await kv.get(n, "json"))));
	return records.map(({ id, prefix, created_at }) => ({ id, prefix, created_at }));
}

export const tenants = apiApp();
tenants.use("/v1/tenants", requireAdmin);
tenants.use("/v1/tenants/*", requireAdmin);

tenants.openapi(
	createRoute({
		method: "post",
		path: "/v1/tenants",
		tags: ["Admin"],
		summary: "Create a tenant and its first API key",
		security,
		request: { body: body(TenantCreateSchema) },
		responses: {
			201: json(TenantCreatedSchema, "Created; the API key is shown only here"),
			...errors(401, 409, 422, 503),
		},
	}),
	async (c) => {
		const { id, name } = c.req.valid("json");
		if (await readTenant(c.env.CONFIG, id)) throw problem("tenant_exists");
		const record = { id, name: name ?? null, created_at: new Date().toISOString() };
		await c.env.CONFIG.put(tenantKey(id), JSON.stringify(record));
		const key = await issueKey(c.env.CONFIG, id);
		return c.json({ ...record, api_key: key.api_key, api_key_id: key.id }, 201);
	},
);

tenants.openapi(
	createRoute({
		method: "get",
		path: "/v1/tenants/{id}",
		tags: ["Admin"],
		summary: "Get a tenant and its API keys (never the keys themselves)",
		security,
		request: { params: IdParams },
		responses: { 200: json(TenantSchema, "The tenant"), ...errors(401, 404, 422, 503) },
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		const tenant = await readTenant(c.env.CONFIG, id);
		if (!tenant) throw notFound();
		return c.json({ ...tenant, keys: await keysOf(c.env.CONFIG, id) }, 200);
	},
);

tenants.openapi(
	createRoute({
		method: "delete",
		path: "/v1/tenants/{id}",
		tags: ["Admin"],
		summary: "Delete a tenant: its configuration, keys and event log",
		security,
		request: { params: IdParams },
		responses: { 204: { description: "Deleted" }, ...errors(401, 404, 422, 503) },
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		if (!(await readTenant(c.env.CONFIG, id))) throw notFound();
		const kv = c.env.CONFIG;
		// Keys first: from here on nobody can use this tenant, whatever else is left to remove.
		for (const name of await listAllKeys(kv, tenantKeyKey(id, ""))) {
			const key = TenantKeyRecordSchema.parse(await kv.get(name, "json"));
			await deleteApiKey(kv, id, key);
		}
		const sources = sourceKey(id, "");
		for (const prefix of [sources, legacySubscriptionKey(id, ""), spoolKey(id, "")]) {
			for (const name of await listAllKeys(kv, prefix)) {
				await kv.delete(name);
				if (prefix === sources) forgetSource(id, name.slice(prefix.length));
			}
		}
		await c.env.TENANT.getByName(id).destroy();
		await kv.delete(tenantKey(id));
		return c.body(null, 204);
	},
);

tenants.openapi(
	createRoute({
		method: "post",
		path: "/v1/tenants/{id}/keys",
		tags: ["Admin"],
		summary: "Issue another API key (existing keys keep working until deleted)",
		security,
		request: { params: IdParams },
		responses: { 201: json(NewKeySchema, "The new key, shown only here"), ...errors(401, 404, 422, 503) },
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		if (!(await readTenant(c.env.CONFIG, id))) throw notFound();
		const key = await issueKey(c.env.CONFIG, id);
		return c.json({ id: key.id, api_key: key.api_key }, 201);
	},
);

tenants.openapi(
	createRoute({
		method: "delete",
		path: "/v1/tenants/{id}/keys/{key_id}",
		tags: ["Admin"],
		summary: "Revoke an API key",
		security,
		request: { params: KeyParams },
		responses: { 204: { description: "Revoked" }, ...errors(401, 404, 422, 503) },
	}),
	async (c) => {
		const { id, key_id } = c.req.valid("param");
		const key = await readTenantKey(c.env.CONFIG, id, key_id);
		if (!key) throw notFound();
		await deleteApiKey(c.env.CONFIG, id, key);
		return c.body(null, 204);
	},
);
