/**
 * Tenant routes: subscriptions. The tenant's Durable Object is their one home (delivery reads it,
 * and it changes status itself on 410 or an exhausted schedule): reads and writes go there, and every
 * change is stored before the answer.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireTenant } from "../../auth";
import { generateWhsecSecret } from "../../crypto/standard-webhooks";
import { decodeCursor, encodeCursor } from "../../fanout/polling";
import { ulid } from "../../ids";
import { notFound, problem } from "../../problem";
import type { Envelope } from "../../schema/envelope";
import { AttemptViewSchema, pageOf, type SubscriptionState, SubscriptionStateSchema } from "../../schema/read-models";
import {
	MAX_ACTIVE_SECRETS,
	rotateSecret,
	type Subscription,
	SubscriptionSchema,
	subscriptionShapeProblem,
	WEBHOOK_ONLY_FIELDS,
} from "../../schema/subscription";
import { apiApp, body, errors, json, numericCursor, PageQuerySchema } from "./common";
import { unmatchablePatterns } from "./event-type-patterns";
import { pollRoute } from "./poll";
import { targetProblem } from "./targets";

const Editable = SubscriptionSchema.pick({
	url: true,
	event_types: true,
	sources: true,
	ordering: true,
	ordering_key: true,
	max_in_flight: true,
	retry_schedule: true,
	on_exhausted: true,
	batch: true,
	rate_limit_per_second: true,
	description: true,
});
const SubscriptionCreateSchema = Editable.extend({
	type: SubscriptionSchema.shape.type.openapi({
		description:
			"`webhook` (default): POSTed to `url`, signed. `polling`: no `url` (nor `ordering`, `retry_schedule`, `on_exhausted`) and no secret; read it with GET /v1/subscriptions/{id}/poll",
	}),
})
	.partial()
	.strict()
	.openapi("SubscriptionCreate");
const SubscriptionPatchSchema = Editable.partial()
	.extend({ sources: Editable.shape.sources.nullable().openapi({ description: "null removes the source filter" }) })
	.strict()
	.openapi("SubscriptionPatch");

const SubscriptionViewSchema = SubscriptionSchema.omit({ secrets: true, rotated_at: true, retired_until: true })
	.extend({
		state: SubscriptionStateSchema.optional(),
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

const Params = z.object({
	id: z
		.string()
		.max(100)
		.openapi({ param: { name: "id", in: "path" }, example: "sub_01JD..." }),
});
const security = [{ tenantKey: [] }];

function view(sub: Subscription, extra: { state?: SubscriptionState; secret?: string } = {}) {
	const { secrets: _secrets, rotated_at: _rotated, retired_until: _retired, ...rest } = sub;
	return { ...rest, ...extra };
}

/**
 * Refuses a subscription that does not fit its type: a webhook without a URL, a polling one with a
 * webhook-only field in the request (`given`: the fields the request set).
 */
function checkShape(sub: Subscription, given: Record<string, unknown>): void {
	if (sub.type === "polling") {
		const extra = WEBHOOK_ONLY_FIELDS.find((f) => given[f] !== undefined);
		if (extra) throw problem("validation_failed", { detail: `${extra}: a polling subscription has none` });
	}
	const shape = subscriptionShapeProblem(sub);
	if (shape) throw problem("validation_failed", { detail: shape });
}

/** Refuses an action that only a webhook subscription supports. */
function requireWebhook(sub: Subscription, action: string): void {
	if (sub.type !== "webhook")
		throw problem("wrong_subscription_type", {
			detail: `${sub.id} is a polling subscription: ${action} applies to webhook subscriptions; read it with GET /v1/subscriptions/${sub.id}/poll`,
		});
}

function checkTarget(env: Env, url: string | undefined): void {
	if (url === undefined) return;
	const reason = targetProblem(url, env.ALLOW_INSECURE_TARGETS === "true");
	if (reason) {
		throw problem("invalid_target", { detail: `url: ${reason}` });
	}
}

/** A filter that no event can ever match is a typo: 422 naming the closest known types. */
function checkEventTypes(patterns: readonly string[] | undefined): void {
	const unknown = unmatchablePatterns(patterns ?? []);
	if (unknown.length === 0) return;
	const said = unknown.map((u) => `"${u.pattern}" (did you mean ${u.did_you_mean.map((k) => `"${k}"`).join(", ")}?)`);
	throw problem("unknown_event_type", {
		detail: `event_types: no event can match ${said.join("; ")}. Types are the canonical ones in docs/events.md, <provider>.<provider_type>, * or <prefix>.*.`,
		unknown_event_types: unknown,
	});
}

/** Stores a subscription in the tenant's Durable Object, its only home (what delivery and the API read). */
async function save(env: Env, tenant: string, sub: Subscription): Promise<void> {
	await env.TENANT.getByName(tenant).putSubscription(sub);
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
		summary: "Create a subscription (webhook or polling); it receives the next event on",
		security,
		request: { body: body(SubscriptionCreateSchema) },
		responses: {
			201: json(SubscriptionViewSchema, "Created; a webhook subscription's signing secret is shown only here"),
			...errors(400, 401, 415, 422),
		},
	}),
	async (c) => {
		const input = c.req.valid("json");
		const polling = input.type === "polling";
		const secret = polling ? undefined : generateWhsecSecret();
		const sub = SubscriptionSchema.parse({
			...input,
			id: `sub_${ulid()}`,
			secrets: secret ? [secret] : [],
			status: "active",
		});
		// The raw body, not the parsed one: zod fills defaults (`ordering`) that the request did not set.
		checkShape(sub, await c.req.json());
		checkTarget(c.env, input.url);
		checkEventTypes(input.event_types);
		await save(c.env, c.get("tenant"), sub);
		return c.json(view(sub, secret ? { secret } : {}), 201);
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
		const given = (await c.req.json()) as Record<string, unknown>;
		// zod's .partial() still fills defaults (ordering, on_exhausted, event_types) for absent keys: a
		// PATCH changes only the fields the request names.
		const { sources, ...patch } = Object.fromEntries(
			Object.entries(c.req.valid("json")).filter(([key]) => Object.hasOwn(given, key)),
		) as ReturnType<typeof c.req.valid<"json">>;
		checkTarget(c.env, patch.url);
		checkEventTypes(patch.event_types);
		const { state: _state, ...current } = await load(c.env, c.get("tenant"), c.req.valid("param").id);
		const sub = SubscriptionSchema.parse({
			...current,
			...patch,
			...(sources !== undefined ? { sources: sources ?? undefined } : {}),
		});
		checkShape(sub, given);
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
		return c.body(null, 204);
	},
);

subscriptions.openapi(
	createRoute({
		method: "post",
		path: "/v1/subscriptions/{id}/rotate-secret",
		tags: ["Subscriptions"],
		summary: "Rotate the signing secret; each replaced secret keeps signing for 24 hours from its rotation",
		description:
			"Deliveries are signed with the new secret and every replaced secret still inside its own 24-hour overlap " +
			`(at most ${MAX_ACTIVE_SECRETS} at once). A rotation that would exceed that is refused with 409 ` +
			"`rotation_limit`, whose `retry_at` says when the oldest overlap ends.",
		security,
		request: { params: Params },
		responses: {
			200: json(z.object({ secret: z.string() }), "The new secret, shown only here"),
			...errors(401, 404, 409),
		},
	}),
	async (c) => {
		const { state: _state, ...current } = await load(c.env, c.get("tenant"), c.req.valid("param").id);
		requireWebhook(current, "rotate-secret");
		const secret = generateWhsecSecret();
		const rotation = rotateSecret(SubscriptionSchema.parse(current), secret, Date.now());
		if (!rotation.ok) {
			const retryAt = new Date(rotation.retryAt).toISOString();
			throw problem("rotation_limit", {
				detail: `${MAX_ACTIVE_SECRETS} secrets are already signing; the oldest replaced one stops at ${retryAt}. Rotate again after that.`,
				retry_at: retryAt,
			});
		}
		await save(c.env, c.get("tenant"), SubscriptionSchema.parse(rotation.sub));
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
			responses: { 200: json(SubscriptionViewSchema, "The subscription"), ...errors(401, 404, 409) },
		}),
		async (c) => {
			const tenant = c.get("tenant");
			requireWebhook(await load(c.env, tenant, c.req.valid("param").id), action);
			const sub = await c.env.TENANT.getByName(tenant).setStatus(c.req.valid("param").id, status);
			if (!sub) throw notFound();
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
			...errors(400, 401, 404, 409, 415, 422),
		},
	}),
	async (c) => {
		const { since_sequence, since } = c.req.valid("json");
		// A polling subscription replays by polling again from an earlier cursor.
		requireWebhook(await load(c.env, c.get("tenant"), c.req.valid("param").id), "replay");
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
		responses: { 200: json(pageOf(AttemptViewSchema), "A page of attempts"), ...errors(401, 404, 409, 422) },
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		const { limit, cursor } = c.req.valid("query");
		const log = c.env.TENANT.getByName(c.get("tenant"));
		const sub = await log.getSubscription(id);
		if (!sub) throw notFound();
		requireWebhook(sub, "attempts");
		const cur = numericCursor(cursor);
		return c.json(await log.listAttempts(id, { limit, ...(cur !== undefined ? { cursor: cur } : {}) }), 200);
	},
);

subscriptions.openapi(pollRoute, async (c) => {
	const { id } = c.req.valid("param");
	const { cursor, limit, wait } = c.req.valid("query");
	const position = cursor === undefined ? undefined : decodeCursor(cursor);
	if (position === null) throw problem("invalid_cursor", { detail: "cursor: pass back a next_cursor this API gave" });
	const result = await c.env.TENANT.getByName(c.get("tenant")).poll(id, {
		...(position !== undefined ? { cursor: position } : {}),
		limit,
		wait_ms: wait * 1000,
	});
	switch (result.kind) {
		case "not_found":
			throw notFound();
		case "not_polling":
			throw problem("wrong_subscription_type", {
				detail: `${id} is a webhook subscription: hookfan POSTs its events; only a polling subscription is polled`,
			});
		case "invalid_cursor":
			throw problem("invalid_cursor", { detail: "cursor: it is past the log's head" });
		case "page":
			return c.json(
				{ data: result.envelopes.map((e) => JSON.parse(e) as Envelope), next_cursor: encodeCursor(result.next) },
				200,
			);
	}
});
