import { describe, expect, it } from "vitest";
import {
	classifyError,
	classifyResponse,
	describeError,
	describeResponse,
	errorText,
	MAX_ERROR_TEXT,
} from "./classify";

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

describe("describing a failure in words", () => {
	it("names connection failures, timeouts and Cloudflare's own origin errors", () => {
		expect(describeError(new DOMException("t", "TimeoutError"), 15_000)).toBe("timeout after 15 s");
		expect(describeError(new TypeError("connect ECONNREFUSED 127.0.0.1:9"), 15_000)).toBe("connection refused");
		expect(describeError(new Error("getaddrinfo ENOTFOUND x.invalid"), 15_000)).toBe("name not resolved");
		expect(describeError(new Error("TLS handshake failed"), 15_000)).toMatch(/^TLS failure/);
		expect(describeResponse(530, "error code: 1016", null)).toMatch(/^name not resolved/);
		expect(describeResponse(526, "", null)).toMatch(/^TLS failure/);
	});

	it("gives the status and the answer's first bytes, and bounds the stored text", () => {
		expect(describeResponse(500, '{"error":\n "db down"}', null)).toBe('HTTP 500: "{\\"error\\": \\"db down\\"}"');
		expect(describeResponse(404, "", null)).toBe("HTTP 404 (empty body)");
		expect(describeResponse(302, "", "https://elsewhere.example/")).toBe(
			"HTTP 302 redirect to https://elsewhere.example/",
		);
		expect(errorText("http_status", "x".repeat(1000))).toHaveLength(MAX_ERROR_TEXT);
		expect(errorText("timeout", undefined)).toBe("timeout");
	});
});
