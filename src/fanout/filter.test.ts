import { describe, expect, it } from "vitest";
import { subscriptionMatches, typeMatches } from "./filter";

describe("typeMatches", () => {
	it("matches everything with *", () => {
		expect(typeMatches("*", "message.received")).toBe(true);
		expect(typeMatches("*", "voipbin.agent_created")).toBe(true);
	});

	it("leaves hookfan's operational types out of *: they match only hookfan.* or their exact name", () => {
		expect(typeMatches("*", "hookfan.subscription.disabled")).toBe(false);
		expect(typeMatches("hookfan.*", "hookfan.subscription.disabled")).toBe(true);
		expect(typeMatches("hookfan.source.rejecting", "hookfan.source.rejecting")).toBe(true);
	});

	it("matches a whole resource with resource.*", () => {
		expect(typeMatches("message.*", "message.failed")).toBe(true);
		expect(typeMatches("message.*", "messages.failed")).toBe(false);
		expect(typeMatches("call.*", "message.sent")).toBe(false);
	});

	it("matches exact types exactly", () => {
		expect(typeMatches("call.hangup", "call.hangup")).toBe(true);
		expect(typeMatches("call.hangup", "call.hangup_extra")).toBe(false);
	});
});

describe("subscriptionMatches", () => {
	it("limits by source when sources are given", () => {
		const sub = { event_types: ["*"], sources: ["a"] };
		expect(subscriptionMatches(sub, { type: "message.sent", source: "a" })).toBe(true);
		expect(subscriptionMatches(sub, { type: "message.sent", source: "b" })).toBe(false);
	});

	it("matches when any pattern matches", () => {
		const sub = { event_types: ["call.hangup", "message.*"] };
		expect(subscriptionMatches(sub, { type: "message.sent", source: "x" })).toBe(true);
		expect(subscriptionMatches(sub, { type: "call.created", source: "x" })).toBe(false);
	});
});
