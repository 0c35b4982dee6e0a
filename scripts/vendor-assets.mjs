#!/usr/bin/env node
/**
 * Copies the browser files hookfan serves itself into public/vendor (gitignored): the Scalar API
 * reference that renders /docs. Served from the Worker's static assets, so /docs loads nothing from a
 * CDN and works offline. Runs before dev, test, build and deploy (npm pre-scripts).
 */
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const root = join(dirname(new URL(import.meta.url).pathname), "..");
const files = [["@scalar/api-reference/browser/standalone.js", "public/vendor/scalar/standalone.js"]];

/** Whether two files hold the same bytes (false when the target does not exist yet). */
function same(a, b) {
	try {
		return readFileSync(a).equals(readFileSync(b));
	} catch {
		return false;
	}
}

for (const [from, to] of files) {
	const source = require.resolve(from);
	const target = join(root, to);
	// Leave an up-to-date copy alone: wrangler dev watches public/ and reloads on any write, so
	// rewriting it (before every npm run demo, say) would restart a running gateway for nothing.
	if (same(source, target)) continue;
	mkdirSync(dirname(target), { recursive: true });
	copyFileSync(source, target);
}
