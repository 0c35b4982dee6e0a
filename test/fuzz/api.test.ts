/**
 * Fuzzes the management API: every documented route and some that are not, with hostile ids,
 * queries and bodies, under every kind of credential. Never a 5xx; without the right credential
 * never anything but 401 (or 404 for no route); another tenant's key never reaches this tenant's
 * ids; no answer ever carries the victim tenant's secrets or ids; and afterwards the victim's
 * configuration, log and attempts are exactly as before. `npm test` sends 1,000 requests,
 * `npm run test:fuzz` 10,000.
 */
import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readSource } from "../../src/source-store";
import { ADMIN_TOKEN, admin, as, newTenant, populatedTenant } from "../api/client";
import { sinkName, sinkUrl } from "../support/sink";
import {
	type ApiBody,
	type Auth,
	auths,
	bodyFor,
	documentedRoutes,
	idSegments,
	plausibleBodies,
	query,
	type Route,
	strayPaths,
} from "./support/api-cases";
import { send, Tally } from "./support/request";
import { fuzzParameters, fuzzRuns } from "./support/runs";

type Tenant = Awaited<ReturnType<typeof populatedTenant>>;

/** Everything of the victim's that an outsider could read or change. */
async function snapshot(v: Tenant) {
	const api = as(v.key);
	return {
		sources: (await api("GET", "/v1/sources")).body,
		subscriptions: (await api("GET", "/v1/subscriptions")).body,
		subscription: (await api("GET", `/v1/subscriptions/${v.subId}`)).body,
		live: await env.TENANT.getByName(v.id).getSubscription(v.subId),
		events: (await api("GET", "/v1/events")).body,
		event: (await api("GET", `/v1/events/${v.eventId}`)).body,
		attempts: (await api("GET", `/v1/subscriptions/${v.subId}/attempts`)).body,
		tenant: (await admin("GET", `/v1/tenants/${v.id}`)).body,
		sourceSecret: (await readSource(env.CONFIG, v.id, "vb", { fresh: true }))?.secret,
	};
}

interface ApiCase {
	route: Route | null;
	method: string;
	path: string;
	auth: Auth;
	body: ApiBody;
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** A tenant's own ids by the collection they live in (the path's second segment). */
type OwnIds = Record<"sources" | "subscriptions" | "events", string[]>;

function ownIdsOf(t: Tenant): OwnIds {
	return { sources: ["vb", "vb2"], subscriptions: [t.subId], events: [t.eventId] };
}

/** Resolves `{own:n}` to one of the principal's ids of the kind the path names. */
function resolveOwn(path: string, own: OwnIds | undefined): string {
	const kind = path.split("/")[2] as keyof OwnIds;
	const pool = own?.[kind] ?? [];
	return path.replace(/\{own:(\d+)\}/g, (_m, n: string) => pool[Number(n) % pool.length] ?? "x");
}

interface Pools {
	routes: Route[];
	auth: fc.Arbitrary<Auth>;
	/** Tenant ids for admin routes. */
	tenantIds: fc.Arbitrary<string>;
	/** Ids of every tenant and hostile ones, for tenant routes. */
	ids: fc.Arbitrary<string>;
	/**
	 * The ids a principal's own tenant holds (growing as the fuzz creates things): most requests use
	 * them, so they get past the lookups. Paths carry `{own:n}` until the request is made.
	 */
	own: Partial<Record<Auth["as"], OwnIds>>;
	plausible: [RegExp, fc.Arbitrary<unknown>][];
}

function cases(p: Pools): fc.Arbitrary<ApiCase> {
	const routed = (auth: Auth) => {
		const ownIds = fc.nat().map((n) => `{own:${n}}`);
		const ids = p.own[auth.as] ? fc.oneof({ weight: 3, arbitrary: ownIds }, { weight: 2, arbitrary: p.ids }) : p.ids;
		return fc
			.record({
				route: fc.constantFrom(...p.routes),
				// Now and then another method on the route's path.
				otherMethod: fc.oneof(
					{ weight: 9, arbitrary: fc.constant(null) },
					{ weight: 1, arbitrary: fc.constantFrom(...METHODS) },
				),
				params: fc.array(ids, { minLength: 2, maxLength: 2 }),
				tenantId: p.tenantIds,
				query: fc.option(query, { freq: 2, nil: "" }),
			})
			.map(({ route, otherMethod, params, tenantId, query }) => {
				let i = 0;
				const path = route.path.replace(/\{([a-z_]+)\}/g, (_m, name: string) =>
					route.admin && name === "id" ? tenantId : (params[i++] as string),
				);
				return { route, method: otherMethod ?? route.method, path: path + query };
			});
	};
	const stray = fc
		.record({ path: strayPaths, method: fc.constantFrom(...METHODS) })
		.map((s) => ({ route: null, ...s }));
	return p.auth.chain((auth) =>
		fc
			.oneof({ weight: 12, arbitrary: routed(auth) }, { weight: 1, arbitrary: stray })
			.chain((target) => bodyFor(target.route, p.plausible).map((body): ApiCase => ({ ...target, auth, body }))),
	);
}

/**
 * Which credential guards a path, as the URL parser resolves it (`..` segments included): each
 * documented collection (`/v1/tenants`, `/v1/sources`, ...) is guarded by its routes' credential,
 * whatever the method or the rest of the path. Null: no route lives there.
 */
function guardOf(path: string, routes: Route[]): "admin" | "tenant" | null {
	const pathname = new URL(path, "https://hookfan.test").pathname;
	for (const route of routes) {
		const collection = route.path.split("/").slice(0, 3).join("/");
		if (pathname === collection || pathname.startsWith(`${collection}/`)) return route.admin ? "admin" : "tenant";
	}
	return null;
}

const runs = fuzzRuns();

describe("management API fuzz", () => {
	it(`answers ${runs} hostile requests without a 5xx or a leak, and leaves other tenants untouched`, {
		timeout: 60_000 + runs * 60,
	}, async () => {
		const [victim, owner, intruder] = [
			await populatedTenant("fz-victim"),
			await populatedTenant("fz-owner"),
			await populatedTenant("fz-intruder"),
		];
		const before = await snapshot(victim);
		const routes = await documentedRoutes();
		expect(routes.length).toBeGreaterThan(15);

		// Nothing of the victim's may appear in any answer: no request here is made with its key.
		const victimValues = [
			victim.key,
			victim.sourceSecret,
			victim.subSecret,
			victim.subId,
			victim.eventId,
			victim.keyId,
		];
		const victimIds = [victim.subId, victim.eventId, victim.keyId];
		const keys = { admin: ADMIN_TOKEN, owner: owner.key, intruder: intruder.key, victim: victim.key };
		const realIds = [...victimIds, owner.subId, owner.eventId, owner.keyId, intruder.subId, "vb", "vb2", victim.id];
		// Admin routes act on tenants by id: fuzz them on tenants of their own, never on the three above.
		const ownTenants = [(await newTenant("fz-adm")).id, (await newTenant("fz-adm")).id];
		const adminTenantIds = fc.oneof(
			fc.constantFrom(...ownTenants),
			fc.stringMatching(/^fz-[a-z0-9]{1,8}$/),
			idSegments(ownTenants).filter((id) => ![victim.id, owner.id, intruder.id].includes(id)),
		);
		const tally = new Tally();
		const pools: Pools = {
			routes,
			auth: auths(keys),
			tenantIds: adminTenantIds,
			ids: idSegments(realIds),
			own: {
				owner: ownIdsOf(owner),
				intruder: ownIdsOf(intruder),
			},
			plausible: plausibleBodies(sinkUrl("ok", sinkName("fz"))),
		};

		await fc.assert(
			fc.asyncProperty(cases(pools), async (c) => {
				const headers: [string, string][] = c.auth.headers.map((h) => ["authorization", h]);
				if (c.body.contentType !== null) headers.push(["content-type", c.body.contentType]);
				const own = pools.own[c.auth.as];
				c.path = resolveOwn(c.path, own);
				const answer = await send({ method: c.method, path: c.path, headers, body: c.body.body });
				// What a tenant creates, it goes on to use.
				const created = (answer?.json as { id?: unknown } | null)?.id;
				if (own && answer?.status === 201 && typeof created === "string") {
					(c.path.startsWith("/v1/sources") ? own.sources : own.subscriptions).push(created);
				}
				if (answer === null) return tally.add("not sendable");
				const what = `${c.auth.label} ${c.method} ${c.path} -> ${answer.status} ${answer.text.slice(0, 300)}`;
				tally.add(`${c.auth.as}:${answer.status}:${(answer.json as { code?: string } | null)?.code ?? ""}`);
				for (const value of victimValues) expect(answer.text, what).not.toContain(value);
				const guard = guardOf(c.path, routes);
				const allowed = guard === "admin" ? c.auth.as === "admin" : ["owner", "intruder"].includes(c.auth.as);
				if (guard === null) {
					// No route there: nothing but 404 (or 405).
					expect([404, 405], what).toContain(answer.status);
				} else if (!allowed) {
					// A guarded path without its credential: 401, whatever the method or the rest of the path.
					expect(answer.status, what).toBe(401);
				} else if (victimIds.some((id) => c.path.includes(id))) {
					expect(answer.status, what).toBeGreaterThanOrEqual(400);
				}
			}),
			fuzzParameters(runs),
		);
		console.log(`management API fuzz: ${tally.total()} requests; ${tally}`);

		expect(await snapshot(victim)).toEqual(before);
	});
});
