import { describe, expect, it } from "vitest";
import { normalizeVoipbin, parseVoipbinTime } from "./voipbin";

const headers = new Headers();

describe("parseVoipbinTime", () => {
	it("reads VoIPbin's zone-less UTC format and ISO 8601", () => {
		expect(parseVoipbinTime("2026-11-20 10:00:05.123456")).toBe("2026-11-20T10:00:05.123Z");
		expect(parseVoipbinTime("2026-11-20 10:00:05")).toBe("2026-11-20T10:00:05.000Z");
		expect(parseVoipbinTime("2026-11-20T10:00:05+01:00")).toBe("2026-11-20T09:00:05.000Z");
	});

	it("maps the 9999 'not yet' sentinel and junk to null", () => {
		expect(parseVoipbinTime("9999-01-01 00:00:00.000000")).toBeNull();
		expect(parseVoipbinTime("yesterday")).toBeNull();
		expect(parseVoipbinTime(42)).toBeNull();
	});
});

describe("normalizeVoipbin", () => {
	it("maps both hangup spellings to call.hangup", () => {
		for (const type of ["call_hungup", "call_hangup"]) {
			const r = normalizeVoipbin({ body: { type, data: { id: "c" } }, headers });
			expect(r.ok && r.event.type).toBe("call.hangup");
		}
	});

	it("passes unknown types through with empty data and the whole payload", () => {
		const body = { type: "queuecall_serviced", data: { id: "q1", queue_id: "x" } };
		const r = normalizeVoipbin({ body, headers });
		expect(r).toMatchObject({ ok: true, event: { type: "voipbin.queuecall_serviced", data: {}, raw: body } });
	});

	it("keys dedupe on type, id and tm_update", () => {
		const r = normalizeVoipbin({
			body: { type: "call_updated", data: { id: "c", tm_update: "2026-01-01 00:00:00" } },
			headers,
		});
		expect(r.ok && r.event.dedupe_key).toBe("call_updated:c:2026-01-01 00:00:00");
	});

	it("rejects a payload without type or data", () => {
		expect(normalizeVoipbin({ body: { data: {} }, headers }).ok).toBe(false);
		expect(normalizeVoipbin({ body: [1, 2], headers }).ok).toBe(false);
	});
});
