/**
 * The API's description: `/openapi.json` (OpenAPI 3.1, generated from the same zod schemas that
 * validate requests) and `/docs`, an interactive reference page (Scalar, served from this Worker's
 * static assets, so nothing loads from a CDN).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { VERSION } from "../version";
import type { AppEnv } from "./api/common";
import { registerWebhooks } from "./schemas";

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hookfan API reference</title>
</head>
<body>
<script id="api-reference" data-url="/openapi.json" data-configuration='{"withDefaultFonts":false,"hideClientButton":true,"showDeveloperTools":"never","agent":{"disabled":true},"telemetry":false}'></script>
<script src="/vendor/scalar/standalone.js"></script>
</body>
</html>`;

/** Registers the security schemes, the ingest route, `/openapi.json` and `/docs` on the app. */
export function mountDocs(app: OpenAPIHono<AppEnv>): void {
	const registry = app.openAPIRegistry;
	registry.registerComponent("securitySchemes", "adminToken", {
		type: "http",
		scheme: "bearer",
		description: "The ADMIN_TOKEN Worker secret",
	});
	registry.registerComponent("securitySchemes", "tenantKey", {
		type: "http",
		scheme: "bearer",
		description: "A tenant API key, hf_...",
	});
	registry.registerPath({
		method: "post",
		path: "/in/{tenant}/{source}",
		tags: ["Ingest"],
		summary: "Where providers post webhooks; proven by the source's signature or token",
		description:
			"POST and PUT for every provider; RapidPro also GET (a bodyless request's query string, without `token`, is the payload) and PATCH; VoIPbin also GET and DELETE (with its signed JSON body). See docs/providers.md for each provider's proof and docs/events.md for the envelope.",
		responses: {
			200: { description: "Accepted: `{id, duplicate}`; hookfan durably holds the event" },
			400: { description: "Malformed body, or an authentic payload that does not fit the provider's schema" },
			401: { description: "Failed proof" },
			404: { description: "Unknown tenant or source" },
			405: {
				description: "A method the source's provider never sends (HEAD and OPTIONS always); `Allow` lists its methods",
			},
			413: { description: "Body over 1 MiB" },
			415: { description: "Content type the provider does not send" },
			503: { description: "Neither the log nor the queue could take the event; retry" },
		},
	});
	registerWebhooks(app);
	app.doc31("/openapi.json", {
		openapi: "3.1.0",
		info: {
			title: "hookfan",
			version: VERSION,
			description: "Multi-tenant webhook gateway: sources, subscriptions, events and replay.",
		},
	});
	app.get("/docs", (c) => c.html(DOCS_PAGE));
}
