import { describe, expect, it } from "vitest";
import { verifyToken } from "./token";

const source = { secret: "s3cret-token" };
const input = (headers: Record<string, string>, query = "") => ({
	headers: new Headers(headers),
	url: new URL(`https://h/in/t/s${query}`),
	rawBody: new Uint8Array(),
	body: {},
	now: 0,
});

describe("verifyToken", () => {
	it("accepts the secret as Token, Bearer, Basic password or ?token=", async () => {
		expect(await verifyToken(input({ authorization: "Token s3cret-token" }), source)).toEqual({ ok: true });
		expect(await verifyToken(input({ authorization: "bearer s3cret-token" }), source)).toEqual({ ok: true });
		expect(await verifyToken(input({ authorization: `Basic ${btoa("rapidpro:s3cret-token")}` }), source)).toEqual({
			ok: true,
		});
		expect(await verifyToken(input({}, "?token=s3cret-token"), source)).toEqual({ ok: true });
	});

	it("rejects a wrong token and reports a missing one", async () => {
		expect(await verifyToken(input({ authorization: "Token nope" }), source)).toMatchObject({ reason: "bad_token" });
		expect(await verifyToken(input({ authorization: `Basic ${btoa("s3cret-token")}` }), source)).toMatchObject({
			reason: "missing_proof",
		});
		expect(await verifyToken(input({ authorization: "Basic %%%" }), source)).toMatchObject({ reason: "missing_proof" });
		expect(await verifyToken(input({}), source)).toMatchObject({ reason: "missing_proof" });
	});

	it("does not fall back to the URL when a header presents a wrong token", async () => {
		const res = await verifyToken(input({ authorization: "Token nope" }, "?token=s3cret-token"), source);
		expect(res).toMatchObject({ reason: "bad_token" });
	});
});
