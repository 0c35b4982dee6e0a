import { describe, expect, it } from "vitest";
import { closestPatterns, patternCanMatch, unmatchablePatterns } from "./event-type-patterns";

describe("event_types patterns", () => {
	it("accepts what an event can carry: canonical types, wildcards and provider passthrough types", () => {
		for (const p of [
			"*",
			"call.hangup",
			"call.*",
			"message.*",
			"voipbin.*",
			"voipbin.agent_created",
			"standardwebhooks.invoice.paid",
		])
			expect(patternCanMatch(p), p).toBe(true);
	});

	it("refuses what never matches", () => {
		for (const p of ["call.hangups", "calls.*", "voipbn.agent_created", "order.created"])
			expect(patternCanMatch(p), p).toBe(false);
	});

	it("suggests the closest known patterns", () => {
		expect(closestPatterns("call.hangups")[0]).toBe("call.hangup");
		expect(closestPatterns("calls.*")[0]).toBe("call.*");
		expect(closestPatterns("voipbn.agent_created")[0]).toBe("voipbin.agent_created");
		expect(closestPatterns("call.zzzzzzzzzzzzzz")).toContain("call.hangup");
		expect(unmatchablePatterns(["*", "message.recieved"])).toEqual([
			{ pattern: "message.recieved", did_you_mean: expect.arrayContaining(["message.received"]) },
		]);
	});
});

describe("operational event types", () => {
	it("accepts hookfan.* and each operational type, and suggests them for a typo", () => {
		expect(unmatchablePatterns(["hookfan.*", "hookfan.subscription.disabled", "hookfan.source.rejecting"])).toEqual([]);
		const [typo] = unmatchablePatterns(["hookfan.subscription.disabld"]);
		expect(typo?.did_you_mean[0]).toBe("hookfan.subscription.disabled");
	});
});
