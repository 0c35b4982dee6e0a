import { describe, expect, it } from "vitest";
import { PROBLEM_CONTENT_TYPE } from "../problem";
import { type IngestRefusal, ingestResponse } from "./outcome";

describe("ingestResponse", () => {
	it("answers 200 with the event id once the event is held, saying whether it was a duplicate", async () => {
		const accepted = ingestResponse({ kind: "accepted", id: "evt_1", sequence: 7, via: "log" });
		expect(accepted.status).toBe(200);
		expect(await accepted.json()).toEqual({ id: "evt_1", duplicate: false });
		const queued = ingestResponse({ kind: "accepted", id: "evt_2", sequence: null, via: "queue" });
		expect(await queued.json()).toEqual({ id: "evt_2", duplicate: false });
		const duplicate = ingestResponse({ kind: "duplicate", id: "evt_1", sequence: 7 });
		expect(duplicate.status).toBe(200);
		expect(await duplicate.json()).toEqual({ id: "evt_1", duplicate: true });
	});

	const refusals: [IngestRefusal, number, string][] = [
		[{ kind: "unknown_source" }, 404, "unknown_source"],
		[{ kind: "body_too_large", limitBytes: 1024 }, 413, "payload_too_large"],
		[{ kind: "unsupported_media_type", format: "form" }, 415, "unsupported_media_type"],
		[{ kind: "malformed_body", detail: "The body is not valid UTF-8." }, 400, "malformed_body"],
		[{ kind: "unauthorized", reason: "stale_timestamp", ageSeconds: 400 }, 401, "unauthorized"],
		[{ kind: "invalid_payload", issues: [] }, 400, "invalid_payload"],
		[{ kind: "envelope_too_large", limitBytes: 1_900_000 }, 413, "payload_too_large"],
		[{ kind: "unavailable" }, 503, "unavailable"],
	];
	it.each(refusals)("renders %o as %i %s, as problem+json", async (refusal, status, code) => {
		const res = ingestResponse(refusal);
		expect(res.status).toBe(status);
		expect(res.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
		expect(await res.json()).toMatchObject({ status, code, type: `https://hookfan.dev/problems/${code}` });
	});

	it("says nothing about which check of the proof failed", async () => {
		const body = await ingestResponse({ kind: "unauthorized", reason: "stale_timestamp", ageSeconds: 400 }).json();
		expect(body).toEqual({
			type: "https://hookfan.dev/problems/unauthorized",
			title: "Unauthorized",
			status: 401,
			code: "unauthorized",
		});
	});

	it("tells the sender what was too large, which format the source expects, and when to retry", async () => {
		expect(await ingestResponse({ kind: "body_too_large", limitBytes: 1024 }).json()).toMatchObject({
			detail: "The body is larger than 1024 bytes.",
		});
		expect(await ingestResponse({ kind: "unsupported_media_type", format: "form" }).json()).toMatchObject({
			detail: "This source expects application/x-www-form-urlencoded.",
		});
		expect(ingestResponse({ kind: "unavailable" }).headers.get("retry-after")).toBe("30");
	});
});
