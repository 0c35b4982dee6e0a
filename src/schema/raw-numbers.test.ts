import { describe, expect, it } from "vitest";
import { envelopeJson, exactNumbers, parseExactJson } from "./raw-numbers";

describe("exactNumbers", () => {
	it("lists nothing for a body whose numbers all round-trip", () => {
		const text = '{"id":142065,"price":0.02,"n":[1,2,-3],"big":9007199254740991}';
		expect(exactNumbers(text, JSON.parse(text))).toEqual([]);
	});

	it("lists integers past 2^53, non-finite literals, -0 and respelled numbers, with their paths", () => {
		const text = '{"a":8202522731445525543,"b":[1e400,{"c":-0}],"d":1.0,"__proto__":{"e":1e2}}';
		expect(exactNumbers(text, JSON.parse(text))).toEqual([
			{ path: ["a"], text: "8202522731445525543" },
			{ path: ["b", 0], text: "1e400" },
			{ path: ["b", 1, "c"], text: "-0" },
			{ path: ["d"], text: "1.0" },
			{ path: ["__proto__", "e"], text: "1e2" },
		]);
	});

	it("keeps only the numbers still in raw (a normalizer may drop a secret field)", () => {
		const text = '{"pubsub_token":12345678901234567890,"id":12345678901234567891}';
		expect(exactNumbers(text, { id: Number("12345678901234567891") })).toEqual([
			{ path: ["id"], text: "12345678901234567891" },
		]);
	});
});

describe("envelopeJson", () => {
	it("writes the listed numbers as the provider sent them, and leaves the envelope unchanged", () => {
		const raw = JSON.parse('{"data":{"counter":8202522731445525543,"n":1e400}}') as unknown;
		const envelope = { id: "evt_1", raw };
		const text = envelopeJson(envelope, [
			{ path: ["data", "counter"], text: "8202522731445525543" },
			{ path: ["data", "n"], text: "1e400" },
		]);
		expect(text).toBe('{"id":"evt_1","raw":{"data":{"counter":8202522731445525543,"n":1e400}}}');
		expect(envelope.raw).toEqual({ data: { counter: Number("8202522731445525543"), n: Number.POSITIVE_INFINITY } });
	});

	it("ignores an entry whose path holds no number", () => {
		const envelope = { raw: { a: "text", b: [1] } };
		const text = envelopeJson(envelope, [
			{ path: ["a"], text: "1" },
			{ path: ["missing", "x"], text: "2" },
			{ path: ["b", 5], text: "3" },
		]);
		expect(text).toBe(JSON.stringify(envelope));
	});

	it("round-trips through parseExactJson and JSON.stringify digit for digit", () => {
		const text = '{"raw":{"n":98765432109876543210,"m":[1.50,-0]}}';
		expect(JSON.stringify(parseExactJson(text))).toBe(text);
	});
});
