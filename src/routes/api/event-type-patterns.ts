/**
 * Which `event_types` patterns can ever match, and the closest known ones to a pattern that cannot.
 * Events carry a canonical type (CANONICAL_TYPES) or a provider's own as `<provider>.<provider_type>`;
 * filters also take `*` and `<prefix>.*` (src/fanout/filter.ts). Pure, for the subscription routes.
 */
import { PROVIDER_IDS } from "../../providers";
import { CANONICAL_TYPES } from "../../schema/envelope";
import { isOperationalType, OPERATIONAL_PREFIX, OPERATIONAL_TYPE_NAMES } from "../../schema/operational";

const RESOURCES = [...new Set(Object.values(CANONICAL_TYPES))];
const PROVIDERS: readonly string[] = PROVIDER_IDS;

/** `hookfan.*`: every operational event (docs/events.md), which `*` alone does not match. */
const OPERATIONAL_WILDCARD = `${OPERATIONAL_PREFIX}*`;

/**
 * Every pattern a suggestion may name: `*`, the canonical and operational types, `<resource>.*`,
 * `hookfan.*` and `<provider>.*`.
 */
const KNOWN_PATTERNS = [
	"*",
	...Object.keys(CANONICAL_TYPES),
	...OPERATIONAL_TYPE_NAMES,
	OPERATIONAL_WILDCARD,
	...RESOURCES.map((r) => `${r}.*`),
	...PROVIDERS.map((p) => `${p}.*`),
];

/** Whether an event of some type could match `pattern`. */
export function patternCanMatch(pattern: string): boolean {
	if (pattern === "*" || Object.hasOwn(CANONICAL_TYPES, pattern)) return true;
	if (pattern === OPERATIONAL_WILDCARD || isOperationalType(pattern)) return true;
	const [prefix = "", ...rest] = pattern.split(".");
	if (pattern.endsWith(".*") && rest.length === 1)
		return RESOURCES.includes(prefix as never) || PROVIDERS.includes(prefix);
	// A provider's own type passes through as `<provider>.<provider_type>`: any name is possible.
	return PROVIDERS.includes(prefix) && rest.join(".") !== "";
}

/** Edit distance (insertions, deletions, substitutions), for short strings. */
function distance(a: string, b: string): number {
	let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		const row = [i];
		for (let j = 1; j <= b.length; j++) {
			row[j] = Math.min(
				(prev[j] ?? 0) + 1,
				(row[j - 1] ?? 0) + 1,
				(prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
			);
		}
		prev = row;
	}
	return prev[b.length] ?? 0;
}

/** Up to three known patterns closest to `pattern`, nearest first. */
export function closestPatterns(pattern: string): string[] {
	const [prefix = "", ...rest] = pattern.split(".");
	// A misspelt provider keeps its own type: `voipbn.agent_created` -> `voipbin.agent_created`.
	const passthrough =
		rest.length > 0 ? PROVIDERS.filter((p) => distance(prefix, p) <= 2).map((p) => `${p}.${rest.join(".")}`) : [];
	const scored = [...KNOWN_PATTERNS, ...passthrough]
		.map((known) => ({ known, d: distance(pattern, known) }))
		.filter(({ known }) => known !== "*" || prefix === "")
		.sort((a, b) => a.d - b.d || a.known.localeCompare(b.known));
	const near = scored.filter(({ d }) => d <= Math.max(2, Math.floor(pattern.length / 3)));
	// Nothing near: the same resource's types if the prefix is one, else the resource wildcards.
	if (near.length > 0) return near.slice(0, 3).map(({ known }) => known);
	const sameResource = Object.keys(CANONICAL_TYPES).filter((t) => t.startsWith(`${prefix}.`));
	return (sameResource.length > 0 ? sameResource : RESOURCES.map((r) => `${r}.*`)).slice(0, 5);
}

/** The patterns that can never match, each with its closest known patterns. */
export function unmatchablePatterns(patterns: readonly string[]): { pattern: string; did_you_mean: string[] }[] {
	return patterns
		.filter((p) => !patternCanMatch(p))
		.map((pattern) => ({ pattern, did_you_mean: closestPatterns(pattern) }));
}
