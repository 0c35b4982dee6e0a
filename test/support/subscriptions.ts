/** Writes subscriptions to a tenant's Durable Object, as the management API does on every change. */
import { env } from "cloudflare:test";
import type { SubscriptionInput } from "../../src/schema/subscription";

export const TEST_SECRET = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

let counter = 0;

/** Creates a subscription with sensible test defaults (a short retry schedule) and returns its id. */
export async function subscribe(tenant: string, sub: Partial<SubscriptionInput> & { url: string }): Promise<string> {
	counter += 1;
	const id = sub.id ?? `sub_test${Date.now().toString(36)}${counter}`;
	await env.TENANT.getByName(tenant).putSubscription({
		secrets: [TEST_SECRET],
		retry_schedule: [1, 1, 1],
		...sub,
		id,
	});
	return id;
}
