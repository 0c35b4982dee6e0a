#!/usr/bin/env node
/**
 * Copies the browser files hookfan serves itself into public/vendor (gitignored): the Scalar API
 * reference that renders /docs. Served from the Worker's static assets, so /docs loads nothing from a
 * CDN and works offline. Runs before dev, test, build and deploy (npm pre-scripts).
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const root = join(dirname(new URL(import.meta.url).pathname), "..");
const files = [["@scalar/api-reference/browser/standalone.js", "public/vendor/scalar/standalone.js"]];

for (const [from, to] of files) {
	const target = join(root, to);
	mkdirSync(dirname(target), { recursive: true });
	copyFileSync(require.resolve(from), target);
}
