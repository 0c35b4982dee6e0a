/**
 * What the console says in words: a delivery error, and where each provider is configured. The
 * attempt log's error is the class, then the failure in words (`network: connection refused`); rows
 * written before the words existed carry the class alone.
 */

const CLASS_WORDS = {
	network: "could not connect",
	timeout: "timeout",
	redirect: "redirect (not followed)",
	gone: "gone (HTTP 410): the subscription was disabled",
};

/** A failed attempt in words: "connection refused", "timeout after 15 s", "HTTP 500: …". */
export function errorWords(status, error) {
	if (!error) return status === null || status === undefined ? "no answer" : `HTTP ${status}`;
	const colon = error.indexOf(": ");
	if (colon > 0) return error.slice(colon + 2);
	if (error === "http_status") return `HTTP ${status}`;
	return CLASS_WORDS[error] ?? error;
}

/**
 * Each provider: its name, extra fields, and where its secret and URL go at the provider
 * (the README's providers table; docs/providers.md has the details).
 */
export const PROVIDERS = {
	voipbin: {
		name: "VoIPbin",
		hint: "At VoIPbin: the customer's webhook settings. Paste the ingest URL and the secret; VoIPbin signs each body with it (X-VoIPBIN-Signature).",
	},
	rapidpro: {
		name: "RapidPro / TextIt",
		hint: "In a flow's Call Webhook action, add the header Authorization: Token <secret>; or, for a resthook subscriber, use the ingest URL with ?token=<secret>.",
	},
	cloudcontactai: {
		name: "CloudContactAI",
		hint: "In CCAI's webhook integration settings: the ingest URL and the secret. The client id must be the account's, since CCAI signs {client_id}:{eventHash}.",
		clientId: true,
	},
	telerivet: {
		name: "Telerivet",
		hint: "In the project's Webhook API (or a service's webhook): the ingest URL, and the secret as the webhook secret (sent as Basic telerivet:<secret> or the secret field).",
	},
	voxsig: {
		name: "Voxsig / Chatwoot",
		hint: "In Settings → Integrations → Webhooks: the ingest URL and the secret (X-Chatwoot-Signature over {timestamp}.{body}, 300 s tolerance).",
	},
	standardwebhooks: {
		name: "Standard Webhooks",
		hint: "Any Standard Webhooks sender: give it the ingest URL and the whsec_ secret.",
	},
};
