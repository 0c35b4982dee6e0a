#!/usr/bin/env node
/**
 * `npm install`'s preinstall: one line about Node instead of npm's engine warnings (which .npmrc's
 * loglevel hides). wrangler and miniflare declare Node >= 22; hookfan's npm scripts run on the
 * `node` devDependency (Node 22, first on PATH inside npm scripts), so an older system Node is fine
 * as long as it can run npm itself.
 */
const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
	console.log(
		`hookfan: system Node ${process.version} is older than wrangler's 22; fine: npm scripts run on the Node 22 this install adds (node_modules/.bin/node).`,
	);
}
