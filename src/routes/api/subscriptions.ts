/**
 * Tenant routes: subscriptions. The tenant's Durable Object holds the live copy (delivery reads it,
 * and it changes status itself on 410 or an exhausted schedule), so reads come from there; KV keeps
 * a mirror. Every change is written through to the Durable Object before the answer.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireTenant } from "../../auth";
import { subscriptionKey } from "../../config";
import { ulid } from "../../ids";
import { Problem } from "../../problem";
import { unmatchablePatterns } from "../../schema/event-types";
import { type Subscription, SubscriptionSchema } from "../../schema/subscription";
import { toBase64 } from "../../verify/crypto";
import { apiApp, body, errors, json, numericCursor, PageQuerySchema, pageOf } from "./common";
import { targetProblem } from "./targets";

const Editable = SubscriptionSchema.pick({
	url: true,
	event_types: true,
	sources: true,
	ordering: true,
	retry_schedule: true,
	on_exhausted: true,
	description: true,
});
const SubscriptionCreateSchema = Editable.partial().required({ url: true }).strict().openapi("SubscriptionCreate");
const SubscriptionPatchSchema = Editable.partial()
	.extend({ sources: Editable.shape.sources.nullable().openapi({ description: "null removes the source filter" }) })
	.strict()
	.openapi("SubscriptionPatch");

const StateSchema = z.object({
	head_sequence: z.number(),
	backlog: z.number(),
	cursor: z.number(),
	last_success_at: z.string().nullable(),
	last_error: z.object({ at: z.string(), status: z.number().nullable(), error: z.string().nullable() }).nullable(),
});
const SubscriptionViewSchema = SubscriptionSchema.omit({ secrets: true, rotated_at: true })
	.extend({
		state: StateSchema.optional(),
		secret: z.string().optional().openapi({ description: "Only when created or rotated" }),
	})
	.openapi("Subscription");

const ReplaySchema = z
	.object({
		since_sequence: z.number().int().min(1).optional(),
		since: z.iso.datetime({ offset: true }).optional(),
	})
	.strict()
	.refine(
		(b) => (b.since_sequence === undefined) !== (b.since === undefined),
		"give exactly one of since_sequence or since",
	)
	.openapi("Replay");

export const AttemptSchema = z
	.object({
		id: z.number(),
		subscription_id: z.string(),
		event_id: z.string(),
		sequence: z.number(),
		attempt: z.number(),
		at: z.string(),
		status: z.number().nullable(),
		error: z.string().nullable(),
		latency_ms: z.number(),
		next_attempt_at: z.string().nullable(),
	})
	.openapi("Attempt");

const Params = z.object({
	id: z
		.string()
		.max(100)
		.openapi({ param: { name: "id", in: "path" }, example: "sub_01JD..." }),
});
const security = [{ tenantKey: [] }];
const notFound = () => new Problem(404, "not_found", "Not found");

const newSecret = () => `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(32)))}`;

function view(sub: Subscription, extra: { state?: z.infer<typeof StateSchema>; secret?: string } = {}) {
	const { secrets: _secrets, rotated_at: _rotated, ...rest } = sub;
	return { ...rest, ...extra };
}

function checkTarget(env: Env, url: string | undefined): void {
	if (url === undefined) return;
	const problem = targetProblem(url, env.ALLOW_INSECURE_TARGETS === "true");
	if (problem) {
		throw new Problem(422, "invalid_target", "The subscriber URL is not allowed", { detail: `url: ${problem}` });
	}
}

/** A filter that no event can ever match is a typo: 422 naming the closest known types. */
function checkEventTypes(patterns: readonly string[] | undefined): void {
	const unknown = unmatchablePatterns(patterns ?? []);
	if (unknown.length === 0) return;
	const said = unknown.map((u) => `"${u.pattern}" (did you mean ${u.did_you_mean.map((k) => `"${k}"`).join(", ")}?)`);
	throw new Problem(422, "unknown_event_type", "An event type in event_types never occurs", {
		detail: `event_types: no event can match ${said.join("; ")}. Types are the canonical ones in docs/events.md, <provider>.<provider_type>, * or <prefix>.*.`,
		unknown_event_types: unknown,
	});
}

/** Writes through: the Durable Object first (what delivery reads), then the KV mirror. */
async function save(env: Env, tenant: string, sub: Subscription): Promise<void> {
	await env.TENANT.getByName(tenant).putSubscription(sub);
	await env.CONFIG.put(subscriptionKey(tenant, sub.id), JSON.stringify(sub));
}

async function load(env: Env, tenant: string, id: string) {
	const sub = await env.TENANT.getByName(tenant).getSubscription(id);
	if (!sub) throw notFound();
	return sub;
}

export const subscriptions = apiApp();
subscriptions.use("/v1/subscriptions", requireTenant);
subscriptions.use("/v1/subscriptions/*", requireTenant);

subscriptions.openapi(
	createRoute({
		method: "post",
		path: "/v1/subscriptions",
		tags: ["Subscriptions"],
		summary: "Create a subscription; it receives the next event on",
		security,
		request: { body: body(SubscriptionCreateSchema) },
		responses: {
			201: json(SubscriptionViewSchema, "Created; the signing secret is shown only here"),
			...errors(400, 401, 415, 422),
		},
	}),
	async (c) => {
		const input = c.req.valid("json");
		checkTarget(c.env, input.url);
		checkEventTypes(input.event_types);
		const secret = newSecret();
		const sub = SubscriptionSchema.parse({ ...input, id: `sub_${ulid()}`, secrets: [secret], status: "active" });
		await save(c.env, c.get("tenant"), sub);
		return c.json(view(sub, { secret }), 201);
	},
);

subscriptions.openapi(
	createRoute({
		method: "get",
		path: "/v1/subscriptions",
		tags: ["Subscriptions"],
		summary: "List subscriptions (without secrets)",
		security,
		request: { query: PageQuerySchema },
		responses: { 200: json(pageOf(SubscriptionViewSchema), "A page of subscriptions"), ...errors(401, 422) },
	}),
	async (c) => {
		const { limit, cursor } = c.req.valid("query");
		const all = await c.env.TENANT.getByName(c.get("tenant")).listSubscriptions();
		const after = all.filter((s) => cursor === undefined || s.id > cursor);
		const page = after.slice(0, limit);
		return c.json(
			{ data: page.map((s) => view(s)), next_cursor: after.length > limit ? (page.at(-1)?.id ?? null) : null },
			200,
		);
	},
);

subscriptions.openapi(
	createRoute({
		method: "get",
		path: "/v1/subscriptions/{id}",
		tags: ["Subscriptions"],
		summary: "Get a subscription with its delivery state",
		security,
		request: { params: Params },
		responses: { 200: json(SubscriptionViewSchema, "The subscription"), ...errors(401, 404) },
	}),
	async (c) => {
		const { state, ...sub } = await load(c.env, c.get("tenant"), c.req.valid("param").id);
		return c.json(view(sub, { state }), 200);
	},
);

subscriptions.openapi(
	createRoute({
		method: "patch",
		path: "/v1/subscriptions/{id}",
		tags: ["Subscriptions"],
		summary: "Change a subscription's URL, filters, ordering or retry policy",
		security,
		request: { params: Params, body: body(SubscriptionPatchSchema) },
		responses: { 200: json(SubscriptionViewSchema, "Updated"), ...errors(400, 401, 404, 415, 422) },
	}),
	async (c) => {
		const { sources, ...patch } = c.req.valid("json");
		checkTarget(c.env, patch.url);
		checkEventTypes(patch.event_types);
		const { state: _state, ...current } = await load(c.env, c.get("tenant"), c.req.valid("param").id);
		const sub = SubscriptionSchema.parse({
			...current,
			...patch,
			...(sources !== undefined ? { sources: sources ?? undefined } : {}),
		});
		await save(c.env, c.get("tenant"), sub);
		return c.json(view(sub), 200);
	},
);

subscriptions.openapi(
	createRoute({
		method: "delete",
		path: "/v1/subscriptions/{id}",
		tags: ["Subscriptions"],
		summary: "Delete a subscription with its delivery state and attempts",
		security,
		request: { params: Params },
		responses: { 204: { description: "Deleted" }, ...errors(401, 404) },
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		const tenant = c.get("tenant");
		if (!(await c.env.TENANT.getByName(tenant).deleteSubscription(id))) throw notFound();
		await c.env.CONFIG.delete(subscriptionKey(tenant, id));
		return c.body(null, 204);
	},
);

subscriptions.openapi(
	createRoute({
		method: "post",
		path: "/v1/subscriptions/{id}/rotate-secret",
		tags: ["Subscriptions"],
		summary: "Rotate the signing secret; the old one keeps signing for 24 hours",
		security,
		request: { params: Params },
		responses: { 200: json(z.object({ secret: z.string() }), "The new secret, shown only here"), ...errors(401, 404) },
	}),
	async (c) => {
		const { state: _state, ...current } = await load(c.env, c.get("tenant"), c.req.valid("param").id);
		const secret = newSecret();
		const sub = SubscriptionSchema.parse({ ...current, secrets: [secret, current.secrets[0]], rotated_at: Date.now() });
		await save(c.env, c.get("tenant"), sub);
		return c.json({ secret }, 200);
	},
);

for (const [action, status] of [
	["pause", "paused"],
	["resume", "active"],
] as const) {
	subscriptions.openapi(
		createRoute({
			method: "post",
			path: `/v1/subscriptions/{id}/${action}`,
			tags: ["Subscriptions"],
			summary:
				action === "pause" ? "Pause deliveries; events keep accumulating" : "Resume (also a disabled one), in order",
			security,
			request: { params: Params },
			responses: { 200: json(SubscriptionViewSchema, "The subscription"), ...errors(401, 404) },
		}),
		async (c) => {
			const tenant = c.get("tenant");
			const sub = await c.env.TENANT.getByName(tenant).setStatus(c.req.valid("param").id, status);
			if (!sub) throw notFound();
			await c.env.CONFIG.put(subscriptionKey(tenant, sub.id), JSON.stringify(sub));
			return c.json(view(sub), 200);
		},
	);
}

subscriptions.openapi(
	createRoute({
		method: "post",
		path: "/v1/subscriptions/{id}/replay",
		tags: ["Subscriptions"],
		summary: "Re-send matching events from a sequence or a time, in order",
		security,
		request: { params: Params, body: body(ReplaySchema) },
		responses: {
			202: json(z.object({ replayed: z.number() }), "Queued for delivery"),
			...errors(400, 401, 404, 415, 422),
		},
	}),
	async (c) => {
		const { since_sequence, since } = c.req.valid("json");
		const from = since_sequence !== undefined ? { since_sequence } : { since: Date.parse(since as string) };
		const result = await c.env.TENANT.getByName(c.get("tenant")).replay(c.req.valid("param").id, from);
		if (!result) throw notFound();
		return c.json(result, 202);
	},
);

subscriptions.openapi(
	createRoute({
		method: "get",
		path: "/v1/subscriptions/{id}/attempts",
		tags: ["Subscriptions"],
		summary: "Delivery attempts, newest first",
		security,
		request: { params: Params, query: PageQuerySchema },
		responses: { 200: json(pageOf(AttemptSchema), "A page of attempts"), ...errors(401, 404, 422) },
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		const { limit, cursor } = c.req.valid("query");
		const log = c.env.TENANT.getByName(c.get("tenant"));
		if (!(await log.getSubscription(id))) throw notFound();
		const cur = numericCursor(cursor);
		return c.json(await log.listAttempts(id, { limit, ...(cur !== undefined ? { cursor: cur } : {}) }), 200);
	},
);
