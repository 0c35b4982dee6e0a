import { describe, expect, it } from "vitest";
import { utf8 } from "../crypto/bytes";
import { type RapidproSource, RapidproSourceSchema, verifyRapidpro } from "./rapidpro";
import type { VerifyInput } from "./types";

const SOURCE: RapidproSource = RapidproSourceSchema.parse({ provider: "rapidpro", secret: "test-rapidpro-token" });

function input(headers: Record<string, string> = {}, query = ""): VerifyInput {
	const body = '{"type":"msg_received"}';
	return {
		headers: new Headers(headers),
		url: new URL(`https://hookfan.test/in/t/s${query}`),
		rawBody: utf8(body),
		body: JSON.parse(body),
		now: Date.UTC(2026, 0, 1),
	};
}

describe("RapidPro source config", () => {
	it("is a token source whether or not the config says so", () => {
		expect(SOURCE.verification).toBe("token");
	});

	it("refuses any proof but the token: RapidPro signs nothing", () => {
		const parsed = RapidproSourceSchema.safeParse({ provider: "rapidpro", secret: "s", verification: "signature" });
		expect(parsed.success).toBe(false);
	});
});

describe("RapidPro verifier", () => {
	it.each([
		["Authorization: Token", { authorization: "Token test-rapidpro-token" }, ""],
		["Authorization: Bearer", { authorization: "Bearer test-rapidpro-token" }, ""],
		["?token=", {}, "?token=test-rapidpro-token"],
	])("accepts the right token via %s", async (_via, headers, query) => {
		expect(await verifyRapidpro(input(headers, query), SOURCE)).toEqual({ ok: true });
	});

	it("rejects a wrong token as bad_token", async () => {
		const result = await verifyRapidpro(input({ authorization: "Token wrong" }), SOURCE);
		expect(result).toEqual({ ok: false, reason: "bad_token" });
	});

	it("rejects a request without a token as missing_proof", async () => {
		const result = await verifyRapidpro(input({ "user-agent": "RapidProMailroom/9.3.0" }), SOURCE);
		expect(result).toEqual({ ok: false, reason: "missing_proof" });
	});
});
