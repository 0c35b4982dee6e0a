import { describe, expect, it } from "vitest";
import { PROVIDER_IDS, providerSpec, secretSetupHint } from "./providers";

describe("the registry's sender facts", () => {
	it("lists every method each provider can be set to use, never HEAD or OPTIONS", () => {
		const methods = Object.fromEntries(PROVIDER_IDS.map((id) => [id, providerSpec(id).methods]));
		expect(methods).toEqual({
			rapidpro: ["GET", "POST", "PUT", "PATCH"],
			cloudcontactai: ["POST", "PUT"],
			telerivet: ["POST", "PUT"],
			voipbin: ["GET", "POST", "PUT", "DELETE"],
			voxsig: ["POST", "PUT"],
			standardwebhooks: ["POST", "PUT"],
		});
		expect(PROVIDER_IDS.filter((id) => providerSpec(id).queryPayload)).toEqual(["rapidpro"]);
	});

	it("needs the provider's secret only for a signature of a provider that generates it", () => {
		const needs = (id: (typeof PROVIDER_IDS)[number], verification?: string) =>
			secretSetupHint(providerSpec(id), verification) !== null;
		expect(PROVIDER_IDS.filter((id) => needs(id))).toEqual(["voipbin", "voxsig"]);
		expect(needs("voipbin", "signature")).toBe(true);
		expect(needs("voipbin", "token")).toBe(false);
		expect(needs("voxsig", "token")).toBe(false);
		expect(secretSetupHint(providerSpec("voxsig"), undefined)).toMatch(/Settings → Integrations → Webhooks/);
	});
});
