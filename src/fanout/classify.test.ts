import { describe, expect, it } from "vitest";
import { classifyError, classifyResponse } from "./classify";

const now = 1_700_000_000_000;
const none = new Headers();

describe("classifyResponse", () => {
	it("treats every 2xx as delivered", () => {
		for (const status of [200, 201, 202, 204, 299])
			expect(classifyResponse(status, none, now)).toEqual({ outcome: "delivered" });
	});

	it("treats 410 as gone", () => {
		expect(classifyResponse(410, none, now)).toEqual({ outcome: "gone" });
	});

	it("treats redirects as failures", () => {
		expect(classifyResponse(301, none, now)).toEqual({ outcome: "retry", error: "redirect", retryAfterMs: null });
		expect(classifyResponse(307, none, now)).toMatchObject({ error: "redirect" });
	});

	it("honours Retry-After on 429 and 503 only", () => {
		const headers = new Headers({ "retry-after": "7" });
		expect(classifyResponse(429, headers, now)).toEqual({ outcome: "retry", error: "http_status", retryAfterMs: 7000 });
		expect(classifyResponse(503, headers, now)).toMatchObject({ retryAfterMs: 7000 });
		expect(classifyResponse(500, headers, now)).toMatchObject({ retryAfterMs: null });
	});

	it("retries other 4xx and 5xx", () => {
		expect(classifyResponse(400, none, now)).toMatchObject({ outcome: "retry", error: "http_status" });
		expect(classifyResponse(502, none, now)).toMatchObject({ outcome: "retry", error: "http_status" });
	});
});

describe("classifyError", () => {
	it("tells our timeout from a connection failure", () => {
		expect(classifyError(new DOMException("t", "TimeoutError"))).toMatchObject({ error: "timeout" });
		expect(classifyError(new TypeError("connection refused"))).toMatchObject({ error: "network" });
	});
});
