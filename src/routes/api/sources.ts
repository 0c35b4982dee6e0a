/** Tenant routes: sources, the endpoints providers post to. */
import { createRoute, z } from "@hono/zod-openapi";
import { requireTenant } from "../../auth";
import { listIds, sourceKey } from "../../config";
import { notFound, problem } from "../../problem";
import {
	PROVIDERS,
	type ProviderId,
	ProviderIdSchema,
	providerSpec,
	type SourceConfig,
	SourceConfigSchema,
	secretSetupHint,
} from "../../providers";
import { OPERATIONAL_SOURCE } from "../../schema/operational";
import { RejectionPageSchema } from "../../schema/read-models";
import { SourceBaseSchema } from "../../schema/source";
import { forgetSource, readSource } from "../../source-store";
import { apiApp, body, errors, json, numericCursor, PageQuerySchema, pageOf, SlugParam } from "./common";

/** A source's body: its provider's configuration, with `secret` optional (generated when absent). */
const SourceInputSchema = z
	.discriminatedUnion(
		"provider",
		// safeExtend keeps a schema's refinements (partial() refuses a refined object).
		Object.values(PROVIDERS).map((p) =>
			(p.source as unknown as z.ZodObject).safeExtend({ secret: SourceBaseSchema.shape.secret.optional() }),
		) as unknown as [z.ZodObject, ...z.ZodObject[]],
	)
	.openapi("SourceInput", { description: "provider plus that provider's options; see docs/providers.md" });

const SourceViewSchema = z
	.looseObject({
		id: z.string(),
		provider: ProviderIdSchema,
		ingest_url: z.string(),
		secret: z.string().optional().openapi({ description: "Only in the answer to the PUT that set it" }),
	})
	.openapi("Source");

const Params = z.object({ source: SlugParam.openapi({ param: { name: "source", in: "path" } }) });
const security = [{ tenantKey: [] }];

function view(id: string, config: SourceConfig, origin: string, tenant: string, withSecret: boolean) {
	const { secret, ...rest } = config;
	return { id, ...rest, ingest_url: `${origin}/in/${tenant}/${id}`, ...(withSecret ? { secret } : {}) };
}

export const sources = apiApp();
sources.use("/v1/sources", requireTenant);
sources.use("/v1/sources/*", requireTenant);

sources.openapi(
	createRoute({
		method: "put",
		path: "/v1/sources/{source}",
		tags: ["Sources"],
		summary: "Create or replace a source",
		security,
		request: { params: Params, body: body(SourceInputSchema) },
		responses: {
			200: json(SourceViewSchema, "Replaced"),
			201: json(SourceViewSchema, "Created"),
			...errors(400, 401, 415, 422),
		},
	}),
	async (c) => {
		const { source } = c.req.valid("param");
		if (source === OPERATIONAL_SOURCE)
			throw problem("validation_failed", {
				detail: `source: "${source}" is reserved for hookfan's own operational events`,
			});
		// The body schema is the union of the registry's source schemas: `provider` is a registry key.
		const input = c.req.valid("json") as Record<string, unknown> & { provider: ProviderId };
		const spec = providerSpec(input.provider);
		if (input.secret === undefined) {
			// A secret the provider generates cannot be made up here: every event would be refused, and
			// those providers do not retry a refusal.
			const hint = secretSetupHint(spec, input.verification);
			if (hint !== null) throw problem("secret_required", { detail: hint });
		}
		const secret = input.secret ?? spec.generateSecret();
		const parsed = SourceConfigSchema.safeParse({ ...input, secret });
		if (!parsed.success) {
			throw problem("validation_failed", {
				issues: parsed.error.issues,
			});
		}
		const tenant = c.get("tenant");
		const existed = (await c.env.CONFIG.get(sourceKey(tenant, source))) !== null;
		await c.env.CONFIG.put(sourceKey(tenant, source), JSON.stringify(parsed.data));
		forgetSource(tenant, source);
		return c.json(view(source, parsed.data, new URL(c.req.url).origin, tenant, true), existed ? 200 : 201);
	},
);

sources.openapi(
	createRoute({
		method: "get",
		path: "/v1/sources",
		tags: ["Sources"],
		summary: "List sources (without secrets)",
		security,
		request: { query: PageQuerySchema },
		responses: { 200: json(pageOf(SourceViewSchema), "A page of sources"), ...errors(401, 422) },
	}),
	async (c) => {
		const tenant = c.get("tenant");
		const { limit, cursor } = c.req.valid("query");
		const page = await listIds(c.env.CONFIG, sourceKey(tenant, ""), { limit, ...(cursor ? { cursor } : {}) });
		const origin = new URL(c.req.url).origin;
		const data = [];
		for (const id of page.ids) {
			const config = await readSource(c.env.CONFIG, tenant, id, { fresh: true });
			if (config) data.push(view(id, config, origin, tenant, false));
		}
		return c.json({ data, next_cursor: page.next_cursor }, 200);
	},
);

sources.openapi(
	createRoute({
		method: "get",
		path: "/v1/sources/{source}",
		tags: ["Sources"],
		summary: "Get a source (without its secret)",
		security,
		request: { params: Params },
		responses: { 200: json(SourceViewSchema, "The source"), ...errors(401, 404, 422) },
	}),
	async (c) => {
		const { source } = c.req.valid("param");
		const tenant = c.get("tenant");
		const config = await readSource(c.env.CONFIG, tenant, source, { fresh: true });
		if (!config) throw notFound();
		return c.json(view(source, config, new URL(c.req.url).origin, tenant, false), 200);
	},
);

sources.openapi(
	createRoute({
		method: "delete",
		path: "/v1/sources/{source}",
		tags: ["Sources"],
		summary: "Delete a source (its events stay in the log; its rejections go)",
		security,
		request: { params: Params },
		responses: { 204: { description: "Deleted" }, ...errors(401, 404, 422) },
	}),
	async (c) => {
		const { source } = c.req.valid("param");
		const key = sourceKey(c.get("tenant"), source);
		if ((await c.env.CONFIG.get(key)) === null) throw notFound();
		await c.env.CONFIG.delete(key);
		forgetSource(c.get("tenant"), source);
		await c.env.TENANT.getByName(c.get("tenant")).forgetRejections(source);
		return c.body(null, 204);
	},
);

sources.openapi(
	createRoute({
		method: "get",
		path: "/v1/sources/{source}/rejections",
		tags: ["Sources"],
		summary: "Recent refused requests to a source, with why and a hint (never a body or secret)",
		description:
			"The latest refusals (at most 50 kept, at most 10 stored per minute) and counters of every refusal. " +
			"The provider's answer stays a bare 401; this is where the tenant sees the reason.",
		security,
		request: { params: Params, query: PageQuerySchema },
		responses: { 200: json(RejectionPageSchema, "A page of rejections, newest first"), ...errors(401, 404, 422) },
	}),
	async (c) => {
		const { source } = c.req.valid("param");
		const { limit, cursor } = c.req.valid("query");
		const cur = numericCursor(cursor);
		const tenant = c.get("tenant");
		if (!(await readSource(c.env.CONFIG, tenant, source, { fresh: true }))) throw notFound();
		const page = await c.env.TENANT.getByName(tenant).listRejections(source, {
			limit,
			...(cur !== undefined ? { cursor: cur } : {}),
		});
		return c.json(page, 200);
	},
);
