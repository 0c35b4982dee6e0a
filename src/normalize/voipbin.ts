/**
 * VoIPbin: `{"type": "...", "data": {...}}`. Types drift between versions, so `type` is open:
 * calls map to canonical `call.*`, everything else passes through as `voipbin.<type>`.
 */
import { z } from "zod";
import type { CallData, CanonicalType } from "../schema/envelope";
import { fromIso, text } from "./fields";
import type { NormalizedEvent, Normalizer } from "./types";

export const VoipbinPayloadSchema = z.looseObject({
	type: z.string().min(1).max(200),
	data: z.looseObject({}),
});
export type VoipbinPayload = z.infer<typeof VoipbinPayloadSchema>;

/** VoIPbin's call types and the canonical type each maps to. */
export const VOIPBIN_CALL_TYPES: Record<string, CanonicalType> = {
	call_created: "call.created",
	call_dialing: "call.updated",
	call_ringing: "call.ringing",
	call_progressing: "call.answered",
	call_answered: "call.answered",
	call_updated: "call.updated",
	call_terminating: "call.updated",
	call_canceling: "call.updated",
	call_hungup: "call.hangup",
	call_hangup: "call.hangup",
	call_deleted: "call.updated",
};

/** VoIPbin writes "not yet" as this far-future timestamp. */
const NOT_YET = /^9999-/;

/**
 * Parses VoIPbin's `tm_*` fields: "YYYY-MM-DD HH:MM:SS.ffffff" (UTC, no zone) or ISO 8601 in newer
 * versions. The "9999-01-01 ..." sentinel means "not yet" and becomes null.
 */
export function parseVoipbinTime(value: unknown): string | null {
	if (typeof value !== "string" || value === "" || NOT_YET.test(value)) return null;
	const legacy = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?$/.exec(value);
	if (legacy) {
		const fraction = (legacy[3] ?? "").slice(0, 4); // milliseconds: Date keeps no more
		return fromIso(`${legacy[1]}T${legacy[2]}${fraction}Z`);
	}
	return fromIso(value);
}

function direction(value: unknown): CallData["direction"] {
	if (value === "incoming" || value === "inbound") return "inbound";
	if (value === "outgoing" || value === "outbound") return "outbound";
	return null;
}

/** A VoIPbin address `{type, target, name}` as one string (the target: a number, SIP URI, agent id). */
function address(value: unknown): string | null {
	if (value !== null && typeof value === "object") return text((value as Record<string, unknown>).target);
	return text(value);
}

function callData(data: Record<string, unknown>): CallData {
	return {
		id: text(data.id),
		status: text(data.status),
		direction: direction(data.direction),
		from: address(data.source),
		to: address(data.destination),
		hangup_reason: text(data.hangup_reason),
	};
}

export const normalizeVoipbin: Normalizer = ({ body }) => {
	const parsed = VoipbinPayloadSchema.safeParse(body);
	if (!parsed.success) return { ok: false, issues: parsed.error.issues };
	const { type, data } = parsed.data;
	// Own keys only: a type named "constructor" or "__proto__" must not find Object.prototype's members.
	const canonical = Object.hasOwn(VOIPBIN_CALL_TYPES, type) ? VOIPBIN_CALL_TYPES[type] : undefined;
	const occurredAt = parseVoipbinTime(data.tm_update) ?? parseVoipbinTime(data.tm_create);
	const id = text(data.id);
	const update = text(data.tm_update) ?? "";
	const event: NormalizedEvent = {
		provider_type: type,
		type: canonical ?? `voipbin.${type}`,
		occurred_at: occurredAt,
		data: canonical ? callData(data) : {},
		raw: body, // as parsed: zod's copy drops a top-level "__proto__" key
		// Without an id there is nothing stable to key on but the body itself; nor when the parts are too
		// long for a dedupe key (at most 512 characters: type <= 200, id <= 200, tm_update <= 100).
		dedupe_key: id && id.length <= 200 && update.length <= 100 ? `${type}:${id}:${update}` : null,
	};
	return { ok: true, event };
};
