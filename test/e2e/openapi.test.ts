/** The OpenAPI document the running gateway serves is valid OpenAPI 3.1, per a validator package. */
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDev, stateDir } from "./dev-server";

let server: DevServer;

beforeAll(async () => {
	server = await startDev(18788, stateDir());
});

afterAll(async () => {
	await server?.kill();
});

describe("GET /openapi.json from wrangler dev", () => {
	it("validates as OpenAPI 3.1", async () => {
		const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { openapi: string };
		expect(doc.openapi).toBe("3.1.0");
		const validator = new Validator();
		const result = await validator.validate(doc);
		expect(result.errors ?? []).toEqual([]);
		expect(result.valid).toBe(true);
		expect(validator.version).toBe("3.1");
	});

	it("serves the /docs page and the script it loads", async () => {
		const page = await fetch(`${server.url}/docs`);
		expect(page.status).toBe(200);
		const script = await fetch(`${server.url}/vendor/scalar/standalone.js`);
		expect(script.status).toBe(200);
		expect(script.headers.get("content-type")).toMatch(/javascript/);
		expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
	});
});
