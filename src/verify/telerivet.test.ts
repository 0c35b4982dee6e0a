import { describe, expect, it } from "vitest";
import { formBody, TELERIVET_SECRET, type TelerivetFields, telerivetIncoming } from "../../test/builders/telerivet";
import { utf8 } from "../crypto/bytes";
import { parseForm } from "../normalize/body";
import { type TelerivetSource, TelerivetSourceSchema, telerivetBasicAuth, verifyTelerivet } from "./telerivet";
import type { VerifyInput } from "./types";

function source(verification?: string): TelerivetSource {
	return TelerivetSourceSchema.parse({ provider: "telerivet", secret: TELERIVET_SECRET, verification });
}

/** A request as the ingest route hands it over: raw bytes plus the parsed form. */
function input(fields: TelerivetFields, authorization?: string): VerifyInput {
	const body = formBody(fields);
	return {
		headers: new Headers(authorization === undefined ? {} : { authorization }),
		url: new URL("https://hookfan.test/in/t/s"),
		rawBody: utf8(body),
		body: parseForm(body),
		now: Date.UTC(2026, 4, 6),
	};
}

const BASIC = telerivetBasicAuth(TELERIVET_SECRET);
const withSecret = (secret: string | string[]) => telerivetIncoming({ secret });

describe("Telerivet source config", () => {
	it("accepts either proof unless told otherwise", () => {
		expect(source().verification).toBe("basic_or_form");
	});

	it("refuses a proof Telerivet cannot send", () => {
		const parsed = TelerivetSourceSchema.safeParse({ provider: "telerivet", secret: "s", verification: "signature" });
		expect(parsed.success).toBe(false);
	});
});

describe("Telerivet verifier", () => {
	it("reproduces the PROVIDERS.md test vector", () => {
		expect(telerivetBasicAuth("test-telerivet-secret")).toBe("Basic dGVsZXJpdmV0OnRlc3QtdGVsZXJpdmV0LXNlY3JldA==");
	});

	it.each([
		["Basic auth", input(telerivetIncoming(), BASIC)],
		["a lowercase `basic` scheme", input(telerivetIncoming(), BASIC.replace("Basic", "basic"))],
		["the form secret", input(withSecret(TELERIVET_SECRET))],
		["both, when both are right", input(withSecret(TELERIVET_SECRET), BASIC)],
	])("accepts %s by default", async (_via, req) => {
		expect(await verifyTelerivet(req, source())).toEqual({ ok: true });
	});

	it.each([
		["a wrong password", telerivetBasicAuth("wrong")],
		["a wrong username", telerivetBasicAuth(TELERIVET_SECRET, "admin")],
		["a password that only starts like the secret", telerivetBasicAuth(`${TELERIVET_SECRET}x`)],
		["a non-Basic scheme", `Bearer ${TELERIVET_SECRET}`],
		["a Basic header that is not base64", "Basic !!!"],
		["an empty Basic header", "Basic"],
	])("rejects %s as bad_credentials", async (_what, header) => {
		expect(await verifyTelerivet(input(telerivetIncoming(), header), source())).toEqual({
			ok: false,
			reason: "bad_credentials",
		});
	});

	it("rejects a wrong Basic header even when the form secret is right", async () => {
		const result = await verifyTelerivet(input(withSecret(TELERIVET_SECRET), telerivetBasicAuth("wrong")), source());
		expect(result).toEqual({ ok: false, reason: "bad_credentials" });
	});

	it("rejects a wrong form secret even when Basic auth is right", async () => {
		const result = await verifyTelerivet(input(withSecret("wrong"), BASIC), source());
		expect(result).toEqual({ ok: false, reason: "bad_token" });
	});

	it.each([
		["wrong", "wrong"],
		["empty", ""],
		["repeated, even if every copy is right", [TELERIVET_SECRET, TELERIVET_SECRET]],
		["repeated with one right copy", ["wrong", TELERIVET_SECRET]],
	])("rejects a form secret that is %s as bad_token", async (_what, secret) => {
		expect(await verifyTelerivet(input(withSecret(secret)), source())).toEqual({ ok: false, reason: "bad_token" });
	});

	it("rejects a request with no proof as missing_proof", async () => {
		expect(await verifyTelerivet(input(telerivetIncoming()), source())).toEqual({ ok: false, reason: "missing_proof" });
	});

	it("with verification basic, accepts Basic auth and rejects a form-only proof", async () => {
		expect(await verifyTelerivet(input(telerivetIncoming(), BASIC), source("basic"))).toEqual({ ok: true });
		const formOnly = await verifyTelerivet(input(withSecret(TELERIVET_SECRET)), source("basic"));
		expect(formOnly).toEqual({ ok: false, reason: "missing_proof" });
	});

	it("with verification form, accepts the form secret and rejects a Basic-only proof", async () => {
		expect(await verifyTelerivet(input(withSecret(TELERIVET_SECRET)), source("form"))).toEqual({ ok: true });
		const basicOnly = await verifyTelerivet(input(telerivetIncoming(), BASIC), source("form"));
		expect(basicOnly).toEqual({ ok: false, reason: "missing_proof" });
	});
});
