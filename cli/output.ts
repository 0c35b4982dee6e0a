/** How the CLI prints: aligned tables for people, JSON for scripts, times in local time. */

/** Prints any value as indented JSON on stdout. */
export function printJson(value: unknown): void {
	process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Formats rows as columns separated by two spaces, under upper-case headers. */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
	const cells = rows.map((r) => r.map((c) => (c === null || c === undefined || c === "" ? "-" : String(c))));
	const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
	const line = (r: string[]) =>
		r
			.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
			.join("  ")
			.trimEnd();
	return [line(headers.map((h) => h.toUpperCase())), ...cells.map(line)].join("\n");
}

/** Prints a table, or a note when there are no rows. */
export function printTable(headers: string[], rows: (string | number | null | undefined)[][], empty: string): void {
	process.stdout.write(rows.length === 0 ? `${empty}\n` : `${table(headers, rows)}\n`);
}

/** `key  value` lines, keys aligned. */
export function printFields(fields: [string, unknown][]): void {
	const width = Math.max(...fields.map(([k]) => k.length));
	for (const [k, v] of fields) {
		const text = v === null || v === undefined ? "-" : typeof v === "string" ? v : JSON.stringify(v);
		process.stdout.write(`${k.padEnd(width)}  ${text}\n`);
	}
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** `2026-11-30 13:45:01` in local time. */
export function localTime(date: Date = new Date()): string {
	const day = `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`;
	return `${day} ${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
}

/** Tells how to get the next page, on stderr so that stdout stays the table. */
export function printMore(nextCursor: string | null | undefined): void {
	if (nextCursor) process.stderr.write(`(more: --cursor ${nextCursor})\n`);
}
