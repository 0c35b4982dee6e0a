import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import type { Subscription } from "../schema/subscription";
import { attemptDelivery, type PreparedAttempt, prepareAttempt } from "./deliver";

const SECRET = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const OLD_SECRET = "whsec_c2Vjb25kc2Vjb25kc2Vjb25kc2Vjb25kc2Vjb25k";
const BODY = '{"id":"evt_1","type":"call.created","data":{"from":"+15550100"}}';

const attempt = (over: Partial<PreparedAttempt> = {}): PreparedAttempt => ({
	url: "https://subscriber.example/hook",
	secrets: [SECRET],
	eventId: "evt_1",
	body: BODY,
	timeoutMs: 1000,
	...over,
});

/** A fetch that records each request and answers with `answer`. */
function subscriber(answer: (init: RequestInit) => Promise<Response> | Response) {
	const calls: { url: string; init: RequestInit }[] = [];
	const fetcher = (async (url: string, init: RequestInit) => {
		calls.push({ url, init });
		return answer(init);
	}) as unknown as typeof fetch;
	return { calls, fetcher };
}

describe("attemptDelivery", () => {
	it("POSTs the exact envelope bytes, signed so the Standard Webhooks library accepts them, and reports a 2xx as delivered", async () => {
		const { calls, fetcher } = subscriber(() => new Response("accepted", { status: 202 }));
		const now = Date.now();
		const outcome = await attemptDelivery(attempt(), now, fetcher);
		expect(outcome).toMatchObject({ classification: { outcome: "delivered" }, status: 202 });
		expect(outcome.latencyMs).toBeGreaterThanOrEqual(0);
		const [call] = calls;
		expect(call?.url).toBe("https://subscriber.example/hook");
		expect(call?.init.method).toBe("POST");
		const body = new TextDecoder().decode(call?.init.body as Uint8Array);
		expect(body).toBe(BODY);
		const headers = call?.init.headers as Record<string, string>;
		expect(headers).toMatchObject({
			"content-type": "application/json",
			"webhook-id": "evt_1",
			"webhook-timestamp": String(Math.floor(now / 1000)),
		});
		expect(headers["user-agent"]).toMatch(/^hookfan\//);
		expect(new Webhook(SECRET).verify(body, headers)).toEqual(JSON.parse(BODY));
	});

	it("signs with every secret given, so a subscriber mid-rotation verifies with either", async () => {
		const { calls, fetcher } = subscriber(() => new Response(null, { status: 200 }));
		await attemptDelivery(attempt({ secrets: [SECRET, OLD_SECRET] }), Date.now(), fetcher);
		const headers = calls[0]?.init.headers as Record<string, string>;
		expect(headers["webhook-signature"]?.split(" ")).toHaveLength(2);
		for (const secret of [SECRET, OLD_SECRET]) expect(() => new Webhook(secret).verify(BODY, headers)).not.toThrow();
	});

	it.each([400, 404, 422, 500, 502])("reports a %i as a failed attempt to retry, with its status", async (status) => {
		const { fetcher } = subscriber(() => new Response("no", { status }));
		expect(await attemptDelivery(attempt(), Date.now(), fetcher)).toMatchObject({
			classification: { outcome: "retry", error: "http_status", retryAfterMs: null },
			status,
		});
	});

	it("honours Retry-After on a 503 and a 429", async () => {
		for (const status of [503, 429]) {
			const { fetcher } = subscriber(() => new Response(null, { status, headers: { "retry-after": "7" } }));
			expect(await attemptDelivery(attempt(), Date.now(), fetcher)).toMatchObject({
				classification: { outcome: "retry", error: "http_status", retryAfterMs: 7000 },
				status,
			});
		}
	});

	it("reports a 410 as gone", async () => {
		const { fetcher } = subscriber(() => new Response(null, { status: 410 }));
		expect((await attemptDelivery(attempt(), Date.now(), fetcher)).classification).toEqual({ outcome: "gone" });
	});

	it("does not follow a redirect: the subscriber URL must be the final one, and a 3xx is a failed attempt", async () => {
		const { calls, fetcher } = subscriber(
			() => new Response(null, { status: 302, headers: { location: "https://elsewhere.example/" } }),
		);
		const outcome = await attemptDelivery(attempt(), Date.now(), fetcher);
		expect(calls).toHaveLength(1);
		expect(calls[0]?.init.redirect).toBe("manual");
		expect(outcome).toMatchObject({ classification: { outcome: "retry", error: "redirect" }, status: 302 });
	});

	it("gives up after the timeout and reports it, with no status", async () => {
		// A subscriber that never answers: only the attempt's own abort signal ends the request.
		const { fetcher } = subscriber(
			(init) =>
				new Promise((_, reject) => {
					init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
				}),
		);
		const outcome = await attemptDelivery(attempt({ timeoutMs: 50 }), Date.now(), fetcher);
		expect(outcome).toMatchObject({ classification: { outcome: "retry", error: "timeout" }, status: null });
		expect(outcome.latencyMs).toBeGreaterThanOrEqual(40);
	});

	it("reports a connection that fails as a network error, without throwing", async () => {
		const { fetcher } = subscriber(() => Promise.reject(new TypeError("Network connection lost.")));
		expect(await attemptDelivery(attempt(), Date.now(), fetcher)).toMatchObject({
			classification: { outcome: "retry", error: "network", retryAfterMs: null },
			status: null,
		});
	});
});

describe("prepareAttempt", () => {
	const sub = {
		id: "sub_1",
		url: "https://subscriber.example/hook",
		secrets: [SECRET, OLD_SECRET],
		rotated_at: 1_000_000,
	} as Subscription;
	const event = { id: "evt_1", envelope: BODY };

	it("carries the subscription's URL, the event's id and exact stored bytes, and the timeout", () => {
		expect(prepareAttempt(sub, event, 1_000_000, 15_000)).toEqual({
			url: sub.url,
			secrets: [SECRET, OLD_SECRET],
			eventId: "evt_1",
			body: BODY,
			timeoutMs: 15_000,
		});
	});

	it("signs with the replaced secret only during the rotation overlap", () => {
		expect(prepareAttempt(sub, event, 1_000_000 + 25 * 3600_000, 15_000).secrets).toEqual([SECRET]);
	});
});
