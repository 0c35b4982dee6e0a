/**
 * `/`: what a newcomer opening the gateway's address sees. Which hookfan runs (version, local or
 * deployed), where to go next (console, API reference, OpenAPI document, health check), and the
 * next step. Plain HTML with no scripts, so it renders under any policy.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { VERSION } from "../version";
import type { AppEnv } from "./api/common";

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/** Text only: the host comes from the request, so it is escaped before it goes into the page. */
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The landing page for a gateway reached at `origin`. */
export function landingPage(origin: string, local: boolean): string {
	const where = local ? "running locally (wrangler dev)" : "deployed on Cloudflare Workers";
	const next = local
		? `<p>Next: run <code>npm run demo</code> in a second terminal. It creates a tenant, sends one signed
webhook per provider through this gateway and prints the tenant's API key: sign in to the
<a href="/console">console</a> with it. The README's walk-through does the same step by step with curl
and <code>npm run receiver</code>.</p>`
		: `<p>Next: create a tenant with the admin token (<code>POST /v1/tenants</code>, see the
<a href="/docs">API reference</a>), then sign in to the <a href="/console">console</a> with its API key.</p>`;
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hookfan ${VERSION}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}code{background:#f2f2f2;padding:0 .2em}</style>
</head>
<body>
<main>
<h1>hookfan ${VERSION}</h1>
<p>A multi-tenant webhook gateway, ${where} at <code>${escapeHtml(origin)}</code>. Providers post to
<code>/in/{tenant}/{source}</code>; tenants manage sources and subscriptions through <code>/v1</code>.</p>
<ul>
<li><a href="/console">Console</a>: events, deliveries, subscriptions and sources, with a tenant API key</li>
<li><a href="/docs">API reference</a></li>
<li><a href="/openapi.json">OpenAPI document</a></li>
<li><a href="/healthz">Health check</a></li>
</ul>
${next}
</main>
</body>
</html>`;
}

/** Registers `GET /`. */
export function mountHome(app: OpenAPIHono<AppEnv>): void {
	app.get("/", (c) => {
		const url = new URL(c.req.url);
		return c.html(landingPage(url.origin, LOOPBACK.test(url.hostname)));
	});
}
