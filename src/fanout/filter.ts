/** Fan-out filters: which subscriptions an event goes to. */
import { OPERATIONAL_PREFIX } from "../schema/operational";
import type { Subscription } from "../schema/subscription";

/**
 * Whether one `event_types` pattern (`*`, `resource.*`, or exact) matches a type. `*` matches every
 * type but hookfan's own operational ones (`hookfan.*`), which a subscriber has to ask for by name.
 */
export function typeMatches(pattern: string, type: string): boolean {
	if (pattern === "*") return !type.startsWith(OPERATIONAL_PREFIX);
	if (pattern.endsWith(".*")) return type.startsWith(pattern.slice(0, -1));
	return pattern === type;
}

/** Whether an event of `type` from `source` goes to `sub` (status aside). */
export function subscriptionMatches(
	sub: Pick<Subscription, "event_types" | "sources">,
	event: { type: string; source: string },
): boolean {
	if (sub.sources && !sub.sources.includes(event.source)) return false;
	return sub.event_types.some((pattern) => typeMatches(pattern, event.type));
}
