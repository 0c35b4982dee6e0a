#!/usr/bin/env node
/**
 * `npm install`'s preinstall: one line about Node instead of npm's engine warnings (which .npmrc's
 * loglevel hides). wrangler and miniflare declare Node >= 22; hookfan's npm scripts run on the
 * `node` devDependency (Node 22, first on PATH inside npm scripts), so an older system Node is fine
 * as long as it can run npm itself.
 */
// npm runs this after installing the dependencies, with node_modules/.bin (and so the Node 22
// devDependency) first on PATH: `process.version` is that Node, not the user's. The Node running npm
// itself is in npm's user agent ("npm/11.6.0 node/v20.20.2 linux x64 ...").
const npmNode = /\bnode\/(v[\d.]+)/.exec(process.env.npm_config_user_agent ?? "")?.[1] ?? process.version;
const major = Number(npmNode.slice(1).split(".")[0]);
if (major < 22) {
	console.log(
		`hookfan: system Node ${npmNode} is older than wrangler's 22; fine: npm scripts run on the Node 22 this install adds (node_modules/.bin/node).`,
	);
}
