/** docs/cli.md carries every command's current `--help`, and `npx hookfan` runs this checkout's bin. */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { withHelpReference } from "../../cli/help-reference";
import { buildProgram } from "../../cli/main";

describe("docs/cli.md", () => {
	it("is up to date with the commands' --help (npm run docs:cli rewrites it)", () => {
		const doc = readFileSync("docs/cli.md", "utf8");
		expect(withHelpReference(doc) === doc, "docs/cli.md is stale: run `npm run docs:cli`").toBe(true);
	});

	it("has a section for every command", () => {
		const doc = readFileSync("docs/cli.md", "utf8");
		const names = (cmd: ReturnType<typeof buildProgram>, prefix: string): string[] =>
			cmd.commands.flatMap((c) => [`${prefix} ${c.name()}`, ...names(c, `${prefix} ${c.name()}`)]);
		for (const name of names(buildProgram(), "hookfan")) expect(doc).toContain(`### \`${name}\``);
	});
});

describe("npx hookfan", () => {
	it("runs the package's own bin from the checkout", async () => {
		const { stdout } = await promisify(execFile)("npx", ["--no-install", "hookfan", "--help"], { timeout: 60_000 });
		expect(stdout).toMatch(/^Usage: hookfan \[options\] \[command\]/);
		expect(stdout).toContain("listen [options]");
	});
});
