import { describe, expect, it } from "vitest";
import { utf8 } from "../crypto/bytes";
import { parseBody, parseForm } from "./body";

describe("parseBody: JSON", () => {
	it("parses a JSON body", () => {
		expect(parseBody(utf8('{"type":"call_hungup","data":{"id":"c"}}'), "json")).toEqual({
			ok: true,
			body: { type: "call_hungup", data: { id: "c" } },
		});
	});

	it("refuses text that is not JSON, saying so", () => {
		const r = parseBody(utf8("type=call"), "json");
		expect(r.ok).toBe(false);
		expect(!r.ok && r.detail).toMatch(/^The body is not valid JSON/);
	});

	it("refuses bytes that are not UTF-8", () => {
		expect(parseBody(new Uint8Array([0x7b, 0xff, 0x7d]), "json")).toEqual({
			ok: false,
			detail: "The body is not valid UTF-8.",
		});
	});

	it("refuses nesting deeper than 64 levels and keeps 64", () => {
		const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
		expect(parseBody(utf8(nested(64)), "json").ok).toBe(true);
		expect(parseBody(utf8(nested(65)), "json")).toEqual({
			ok: false,
			detail: "The body nests deeper than 64 levels.",
		});
	});
});

describe("parseBody: forms", () => {
	it("parses form fields, a repeated field as an array", () => {
		const r = parseBody(utf8("event=incoming_message&content=hi%20there&tag=a&tag=b"), "form");
		expect(r).toEqual({ ok: true, body: { event: "incoming_message", content: "hi there", tag: ["a", "b"] } });
	});

	it("reads a form body as form fields, even when it looks like JSON", () => {
		const r = parseBody(utf8('{"event":"x"}'), "form");
		expect(r).toEqual({ ok: true, body: { '{"event":"x"}': "" } });
	});

	it("keeps __proto__ a plain field", () => {
		const fields = parseForm("__proto__=x&event=y");
		expect(Object.keys(fields)).toEqual(["__proto__", "event"]);
		expect(({} as Record<string, unknown>).event).toBeUndefined();
	});
});
