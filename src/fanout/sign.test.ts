import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { utf8 } from "../crypto/bytes";
import { signDelivery } from "./sign";

// The Standard Webhooks test vector from PROVIDERS.md.
const SECRET = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
const TIMESTAMP = 1674087231;
const BODY =
	'{"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z","data":{"id":"1f81eb52-5198-4599-803e-771906343485"}}';

describe("signDelivery", () => {
	it("reproduces the Standard Webhooks test vector", async () => {
		const headers = await signDelivery([SECRET], ID, TIMESTAMP, utf8(BODY));
		expect(headers).toEqual({
			"webhook-id": ID,
			"webhook-timestamp": String(TIMESTAMP),
			"webhook-signature": "v1,bAo/ZbQILxvdozo/ynbX/OmAvBCBNauT8tvtBLFrDCI=",
		});
	});

	it("signs once per secret, and the reference library accepts each", async () => {
		const other = "whsec_c2Vjb25kc2Vjb25kc2Vjb25kc2Vjb25kc2Vjb25k";
		const now = Math.floor(Date.now() / 1000);
		const headers = await signDelivery([other, SECRET], ID, now, utf8(BODY));
		expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
		for (const secret of [other, SECRET]) {
			expect(new Webhook(secret).verify(BODY, { ...headers })).toEqual(JSON.parse(BODY));
		}
	});
});
