/**
 * Fuzzes the ingest route, per provider: proven requests with hostile bodies, forged and replayed
 * proofs, junk, oversize bodies and paths that are not sources. Whatever arrives: never a 5xx, never
 * a 200 for a request that proves nothing, and afterwards the log holds exactly the events that got
 * a 200 (nothing from an unproven request, nothing accepted and lost). `npm test` sends 1,000
 * requests per provider; `npm run test:fuzz` sends 10,000.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../src/ingest/pipeline";
import { EnvelopeSchema } from "../../src/schema/envelope";
import { storedTexts } from "../support/log";
import { freshTenant, seedSource } from "../support/sources";
import { mutateText } from "./support/hostile";
import { type BodySpec, type IngestCase, ingestCases } from "./support/ingest-cases";
import type { Proof } from "./support/proofs";
import { type FuzzAnswer, type FuzzRequest, send, Tally } from "./support/request";
import { fuzzParameters, fuzzRuns } from "./support/runs";
import { PROVIDER_SENDERS, type Sender } from "./support/senders";

/** What a proven request may get: accepted, or refused for its body (or for a wrong content type, or size). */
const PROVEN = [200, 400];
/** What a request without a valid proof may get. Never 200. */
const REFUSED = [400, 401, 413, 415];
const UNAUTHORIZED = {
	type: "https://hookfan.dev/problems/unauthorized",
	title: "Unauthorized",
	status: 401,
	code: "unauthorized",
};

const encoder = new TextEncoder();
const bytes = (body: string | Uint8Array) =>
	(typeof body === "string" ? encoder.encode(body) : new Uint8Array(body)) as Uint8Array<ArrayBuffer>;

function bodyOf(sender: Sender, spec: BodySpec): string | Uint8Array {
	if ("junk" in spec) return spec.junk;
	const text = sender.encode(spec.payload);
	return spec.mutation ? mutateText(text, spec.mutation) : text;
}

/** Room left for a proof that lives in the body (Telerivet's `&secret=...`). */
const PROOF_ROOM = 200;

function padded(sender: Sender, text: string, size: number): string {
	const missing = Math.max(0, size - encoder.encode(text).byteLength);
	// JSON allows trailing whitespace; a form takes one more field.
	return sender.format === "json" ? text + " ".repeat(missing) : `${text}&pad=${"x".repeat(Math.max(0, missing - 5))}`;
}

class IngestFuzz {
	readonly accepted = new Set<string>();
	readonly tally = new Tally();

	constructor(
		readonly tenant: string,
		readonly senders: Sender[],
	) {}

	request(c: Exclude<IngestCase, { kind: "elsewhere" }>, body: Uint8Array, proof: Proof | null, stream = false) {
		const sender = this.senders[c.sender] as Sender;
		const headers: [string, string][] = c.contentType.value === null ? [] : [["content-type", c.contentType.value]];
		headers.push(...(proof?.headers ?? []), ...c.noise);
		const path = `/in/${this.tenant}/${sender.source}${proof?.query ?? ""}`;
		return { method: c.method, path, headers, body: proof?.body ?? body, stream } satisfies FuzzRequest;
	}

	/** Sends and checks the status against what the case allows; records acceptances. */
	async expectOneOf(req: FuzzRequest, allowed: number[], what: string): Promise<FuzzAnswer | null> {
		const answer = await send(req);
		if (answer === null) {
			this.tally.add("not sendable");
			return null;
		}
		const detail = `${what}: ${req.method} ${req.path} ${JSON.stringify(req.headers)} -> ${answer.status} ${answer.text.slice(0, 300)}`;
		expect(allowed, detail).toContain(answer.status);
		if (answer.status === 401) expect(answer.json, detail).toEqual(UNAUTHORIZED);
		if (answer.status === 200) {
			const { id, duplicate } = answer.json as { id: string; duplicate: boolean };
			expect(id, detail).toMatch(/^evt_[0-9A-Z]{26}$/);
			// A duplicate names an event this run had accepted before; anything else came from nowhere.
			if (duplicate) expect(this.accepted.has(id), detail).toBe(true);
			else this.accepted.add(id);
		}
		this.tally.add(`${what}:${answer.status}`);
		return answer;
	}

	/** Statuses a proven or refused request may also get for its content type or a lying Content-Length. */
	private widened(c: Exclude<IngestCase, { kind: "elsewhere" }>, base: number[]): number[] {
		const out = [...base];
		if (!c.contentType.fits) out.push(415);
		if (c.noise.some(([name]) => name === "content-length")) out.push(413, 400);
		return out;
	}

	async run(c: IngestCase): Promise<void> {
		const now = Date.now();
		if (c.kind === "elsewhere") {
			const headers: [string, string][] = [["content-type", "application/json"], ...c.noise];
			await this.expectOneOf(
				{ method: c.method, path: c.path, headers, body: "{}" },
				[...REFUSED, 404, 405],
				"elsewhere",
			);
			return;
		}
		const sender = this.senders[c.sender] as Sender;
		switch (c.kind) {
			case "proven": {
				const body = bytes(bodyOf(sender, c.body));
				const proof = await sender.prove(body, now, c.style);
				const allowed = proof === null ? REFUSED : PROVEN;
				await this.expectOneOf(this.request(c, body, proof), this.widened(c, allowed), proof ? "proven" : "unprovable");
				return;
			}
			case "forged": {
				const body = bytes(bodyOf(sender, c.body));
				const proof = await c.forgery.make(body, now);
				await this.expectOneOf(this.request(c, body, proof), this.widened(c, REFUSED), "forged");
				return;
			}
			case "replay":
				return this.replay(c, sender, now);
			case "oversize": {
				const text = padded(sender, sender.encode({ event: "x" }), MAX_BODY_BYTES + 1);
				const body = bytes(text);
				const proof = c.proven ? await sender.prove(body, now, c.style) : null;
				// A streamed body's size shows only once it is read, and a wrong content type is refused before
				// that. A lying Content-Length can also cut the body short (so it fails to parse or to prove):
				// then any refusal is right, and a 200 never is.
				const lying = c.noise.some(([name]) => name === "content-length");
				const allowed = lying ? REFUSED : [413, ...(c.stream && !c.contentType.fits ? [415] : [])];
				await this.expectOneOf(this.request(c, body, proof, c.stream), allowed, "oversize");
				return;
			}
			case "at-limit": {
				const body = bytes(padded(sender, sender.encode(c.payload), MAX_BODY_BYTES - PROOF_ROOM));
				const proof = await sender.prove(body, now, c.style);
				const allowed = proof === null ? REFUSED : PROVEN;
				await this.expectOneOf(this.request(c, body, proof), this.widened(c, allowed), "at-limit");
			}
		}
	}

	/** A captured proof sent again with a changed body: refused, or (CCAI) at most a duplicate. */
	async replay(c: Extract<IngestCase, { kind: "replay" }>, sender: Sender, now: number): Promise<void> {
		const text = sender.encode(c.payload);
		const proof = await sender.prove(bytes(text), now, c.style);
		if (proof === null) return this.tally.add("replay:unprovable");
		const first = await this.expectOneOf(this.request(c, bytes(text), proof), this.widened(c, PROVEN), "original");
		let changed = mutateText(text, c.mutation);
		if (changed === text) changed = `${text} `;
		if (sender.replay === "refused") {
			await this.expectOneOf(this.request(c, bytes(changed), proof), this.widened(c, REFUSED), "replay");
			return;
		}
		// CCAI signs only eventHash: a changed body with the same hash is authentic by its scheme,
		// and can only ever be a duplicate of the event that hash already brought in.
		const second = await this.expectOneOf(
			this.request(c, bytes(changed), proof),
			this.widened(c, [...PROVEN, ...REFUSED]),
			"replay",
		);
		if (first?.status === 200 && second?.status === 200) {
			expect(second.json, `replay of ${text} as ${changed}`).toEqual({
				id: (first.json as { id: string }).id,
				duplicate: true,
			});
		}
	}
}

/** Waits briefly for events that went through the EVENTS queue, then compares the log with the 200s. */
async function expectLogHoldsExactly(tenant: string, accepted: Set<string>): Promise<void> {
	const until = Date.now() + 5_000;
	let envelopes = await storedTexts(tenant);
	while (envelopes.length < accepted.size && Date.now() < until) {
		await new Promise((r) => setTimeout(r, 100));
		envelopes = await storedTexts(tenant);
	}
	const parsed = envelopes.map((text) => EnvelopeSchema.safeParse(JSON.parse(text)));
	for (const p of parsed) expect(p.success, JSON.stringify(p.error?.issues)).toBe(true);
	const ids = parsed.map((p) => p.data?.id);
	expect(new Set(ids).size).toBe(ids.length);
	expect(new Set(ids)).toEqual(accepted);
}

const runs = fuzzRuns();

describe.each(Object.entries(PROVIDER_SENDERS))("ingest fuzz: %s", (provider, senders) => {
	it(`answers ${runs} hostile requests without a 5xx, and stores exactly what it accepted`, {
		timeout: 60_000 + runs * 40,
	}, async () => {
		const tenant = freshTenant(`fz-${provider.slice(0, 8)}`);
		for (const s of senders) await seedSource(tenant, s.source, s.config);
		const fuzz = new IngestFuzz(tenant, senders);
		await fc.assert(
			fc.asyncProperty(ingestCases(tenant, senders), (c) => fuzz.run(c)),
			fuzzParameters(runs),
		);
		console.log(
			`ingest fuzz ${provider}: ${fuzz.tally.total()} requests, ${fuzz.accepted.size} accepted; ${fuzz.tally}`,
		);
		expect(fuzz.tally.total()).toBeGreaterThanOrEqual(runs);
		await expectLogHoldsExactly(tenant, fuzz.accepted);
	});
});
