import { describe, expect, it } from "vitest";
import {
	activeSecrets,
	MAX_ACTIVE_SECRETS,
	ROTATION_OVERLAP_MS,
	rotateSecret,
	type Subscription,
} from "./subscription";

const HOUR = 3600_000;
const secret = (n: number) => `whsec_${btoa(`secret-number-${n}`.padEnd(24, "."))}`;
const base: Subscription = {
	id: "sub_1",
	type: "webhook",
	url: "https://hooks.example.com/in",
	event_types: ["*"],
	ordering: "ordered",
	on_exhausted: "dead_letter",
	secrets: [secret(0)],
	status: "active",
};

function rotate(sub: Subscription, n: number, now: number): Subscription {
	const r = rotateSecret(sub, secret(n), now);
	if (!r.ok) throw new Error(`rotation ${n} refused`);
	return r.sub;
}

describe("secret rotation", () => {
	it("a second rotation keeps the first replaced secret signing for its own 24 hours", () => {
		const t0 = 1_800_000_000_000;
		const b = rotate(base, 1, t0); // A -> B
		const c = rotate(b, 2, t0 + 5_000); // B -> C, five seconds later
		expect(activeSecrets(c, t0 + 6_000)).toEqual([secret(2), secret(1), secret(0)]);
		// A stops 24 h after its own rotation, B 24 h after its own.
		expect(activeSecrets(c, t0 + ROTATION_OVERLAP_MS + 1_000)).toEqual([secret(2), secret(1)]);
		expect(activeSecrets(c, t0 + 5_000 + ROTATION_OVERLAP_MS)).toEqual([secret(2)]);
	});

	it("drops secrets whose overlap ended when rotating again", () => {
		const t0 = 1_800_000_000_000;
		const b = rotate(base, 1, t0);
		const c = rotate(b, 2, t0 + 25 * HOUR);
		expect(c.secrets).toEqual([secret(2), secret(1)]);
		expect(activeSecrets(c, t0 + 25 * HOUR)).toEqual([secret(2), secret(1)]);
	});

	it(`refuses a rotation that would make more than ${MAX_ACTIVE_SECRETS} secrets sign at once, and says when to retry`, () => {
		const t0 = 1_800_000_000_000;
		let sub = base;
		for (let n = 1; n < MAX_ACTIVE_SECRETS; n++) sub = rotate(sub, n, t0 + n * 1000);
		expect(activeSecrets(sub, t0 + 10_000)).toHaveLength(MAX_ACTIVE_SECRETS);
		const refused = rotateSecret(sub, secret(99), t0 + 10_000);
		expect(refused).toEqual({ ok: false, reason: "too_many_active_secrets", retryAt: t0 + 1000 + ROTATION_OVERLAP_MS });
		// Once the oldest overlap ends, the rotation goes through.
		expect(rotateSecret(sub, secret(99), t0 + 1000 + ROTATION_OVERLAP_MS).ok).toBe(true);
	});

	it("reads records written before per-secret expiry: older secrets sign until rotated_at + 24 h", () => {
		const t0 = 1_800_000_000_000;
		const legacy: Subscription = { ...base, secrets: [secret(1), secret(0)], rotated_at: t0 };
		expect(activeSecrets(legacy, t0 + HOUR)).toEqual([secret(1), secret(0)]);
		expect(activeSecrets(legacy, t0 + ROTATION_OVERLAP_MS)).toEqual([secret(1)]);
	});
});
