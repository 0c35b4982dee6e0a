import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { onError, PROBLEM_CODES, PROBLEM_CONTENT_TYPE, type ProblemCode, problem, renderProblem } from "./problem";

const context = {
	req: { path: "/v1/x", header: (name: string) => (name === "content-type" ? "text/plain" : undefined) },
} as unknown as Parameters<typeof onError>[1];

describe("problem", () => {
	it.each(Object.keys(PROBLEM_CODES) as ProblemCode[])("renders %s with its one status and title", async (code) => {
		const res = renderProblem(problem(code));
		expect(res.status).toBe(PROBLEM_CODES[code].status);
		expect(res.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
		expect(await res.json()).toEqual({
			type: `https://hookfan.dev/problems/${code}`,
			title: PROBLEM_CODES[code].title,
			status: PROBLEM_CODES[code].status,
			code,
		});
	});

	it("adds extensions to the body and headers to the response", async () => {
		const res = renderProblem(problem("unavailable", { detail: "try later" }, { "retry-after": "30" }));
		expect(res.headers.get("retry-after")).toBe("30");
		expect(await res.json()).toMatchObject({ code: "unavailable", detail: "try later" });
	});
});

describe("onError", () => {
	it("renders Hono's client errors as malformed_body or unsupported_media_type, with a detail saying what went wrong", async () => {
		const malformed = onError(new HTTPException(400, { message: "Malformed JSON in request body" }), context);
		expect(malformed.status).toBe(400);
		expect(await malformed.json()).toMatchObject({ code: "malformed_body", detail: "Malformed JSON in request body" });
		const unsupported = onError(new HTTPException(415, { message: "" }), context);
		expect(await unsupported.json()).toMatchObject({
			status: 415,
			code: "unsupported_media_type",
			detail: "This route accepts application/json; the request has text/plain.",
		});
	});

	it("answers anything else with a bare 500 that reveals nothing", async () => {
		const res = onError(new Error("secret stack"), context);
		expect(res.status).toBe(500);
		expect(await res.text()).not.toContain("secret stack");
	});
});
