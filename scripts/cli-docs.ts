/**
 * `npm run docs:cli`: rewrites the generated reference in docs/cli.md (every command's `--help`).
 * `--check` only compares, and exits 1 when the file is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { withHelpReference } from "../cli/help-reference.ts";

const DOC = fileURLToPath(new URL("../docs/cli.md", import.meta.url));
const current = readFileSync(DOC, "utf8");
const fresh = withHelpReference(current);

if (process.argv.includes("--check")) {
	if (fresh !== current) {
		console.error("docs/cli.md is stale: run `npm run docs:cli`");
		process.exitCode = 1;
	}
} else if (fresh !== current) {
	writeFileSync(DOC, fresh);
	console.log("docs/cli.md updated");
} else {
	console.log("docs/cli.md is up to date");
}
