/**
 * Worker secrets, which `wrangler types` cannot see in wrangler.toml. ADMIN_TOKEN guards the admin
 * API: `npx wrangler secret put ADMIN_TOKEN` for a deployment; `npm run dev` sets a local one.
 */
declare namespace Cloudflare {
	interface Env {
		ADMIN_TOKEN?: string;
	}
}

interface Env {
	ADMIN_TOKEN?: string;
}
