/**
 * Structured logs: one JSON object per line, which Workers Logs indexes field by field. Callers pass
 * identifiers and outcomes only: never a secret, a signature or a payload body.
 */

export type LogLevel = "info" | "warn" | "error";

/** Fields every log line may carry; anything else goes alongside. */
export interface LogFields {
	tenant?: string;
	source?: string;
	event_id?: string;
	subscription?: string;
	outcome?: string;
	latency_ms?: number;
	[field: string]: string | number | boolean | null | undefined;
}

/** Writes one structured log line. */
export function log(level: LogLevel, msg: string, fields: LogFields = {}): void {
	const line = JSON.stringify({ level, msg, ...fields });
	if (level === "error") console.error(line);
	else if (level === "warn") console.warn(line);
	else console.log(line);
}
