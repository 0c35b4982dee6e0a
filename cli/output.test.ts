import { describe, expect, it } from "vitest";
import { table } from "./output.ts";

describe("table", () => {
	it("aligns columns under upper-case headers, with - for empty cells and no trailing spaces", () => {
		expect(
			table(
				["id", "provider", "url"],
				[
					["vb", "voipbin", "http://x/in/a/vb"],
					["rapid", null, ""],
				],
			),
		).toBe("ID     PROVIDER  URL\nvb     voipbin   http://x/in/a/vb\nrapid  -         -");
	});
});
