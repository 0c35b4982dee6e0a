import { describe, expect, it } from "vitest";
import type { Subscription } from "../schema/subscription";
import { orderingKeyOf, resolvePointer, SHARED_KEY } from "./ordering-key";

const sub = (fields: Partial<Subscription>) =>
	({ id: "sub_1", url: "https://x.test", ordering: "per_key", ...fields }) as Subscription;

describe("resolvePointer (RFC 6901)", () => {
	const doc = { a: { "b/c": 1, "d~e": [10, 20] }, "": "empty" };
	it("walks objects and arrays, unescaping ~1 and ~0", () => {
		expect(resolvePointer(doc, "")).toBe(doc);
		expect(resolvePointer(doc, "/a/b~1c")).toBe(1);
		expect(resolvePointer(doc, "/a/d~0e/1")).toBe(20);
		expect(resolvePointer(doc, "/")).toBe("empty");
	});
	it("is undefined for a path that does not exist, and never reads the prototype", () => {
		expect(resolvePointer(doc, "/a/x")).toBeUndefined();
		expect(resolvePointer(doc, "/a/d~0e/01")).toBeUndefined();
		expect(resolvePointer(doc, "/a/constructor")).toBeUndefined();
	});
});

describe("orderingKeyOf", () => {
	it("is null unless the subscription orders per key", () => {
		expect(orderingKeyOf(sub({ ordering: "ordered" }), { subject: "x" })).toBeNull();
	});
	it("reads /subject by default, and the subscription's pointer otherwise", () => {
		expect(orderingKeyOf(sub({}), { subject: "call:1" })).toBe("call:1");
		expect(orderingKeyOf(sub({ ordering_key: "/data/n" }), { data: { n: 7 } })).toBe("7");
	});
	it("gives null and missing keys one shared key", () => {
		expect(orderingKeyOf(sub({}), { subject: null })).toBe(SHARED_KEY);
		expect(orderingKeyOf(sub({ ordering_key: "/data/x" }), {})).toBe(SHARED_KEY);
	});
});
