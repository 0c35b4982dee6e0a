/**
 * The provider registry: one line per provider. A new provider is a verifier (src/verify), a
 * normalizer (src/normalize) and a line here; nothing else changes.
 */
import { z } from "zod";
import { toHex } from "./crypto/bytes";
import { generateWhsecSecret } from "./crypto/standard-webhooks";
import type { BodyFormat } from "./normalize/body";
import { CLOUDCONTACTAI_EMITS, normalizeCloudcontactai } from "./normalize/cloudcontactai";
import { normalizeRapidpro, RAPIDPRO_EMITS } from "./normalize/rapidpro";
import { normalizeStandardWebhooks } from "./normalize/standardwebhooks";
import { normalizeTelerivet, TELERIVET_EMITS } from "./normalize/telerivet";
import type { Normalizer } from "./normalize/types";
import { normalizeVoipbin, VOIPBIN_EMITS } from "./normalize/voipbin";
import { normalizeVoxsig, VOXSIG_EMITS } from "./normalize/voxsig";
import type { CatalogProviders } from "./schema/catalog";
import { CANONICAL_TYPES, type CanonicalType } from "./schema/envelope";
import { CloudcontactaiSourceSchema, verifyCloudcontactai } from "./verify/cloudcontactai";
import { RapidproSourceSchema, verifyRapidpro } from "./verify/rapidpro";
import { StandardWebhooksSourceSchema, verifyStandardWebhooks } from "./verify/standardwebhooks";
import { TelerivetSourceSchema, verifyTelerivet } from "./verify/telerivet";
import type { Verifier } from "./verify/types";
import { VoipbinSourceSchema, verifyVoipbin } from "./verify/voipbin";
import { VoxsigSourceSchema, verifyVoxsig } from "./verify/voxsig";

const CANONICAL_TYPE_NAMES = Object.keys(CANONICAL_TYPES) as CanonicalType[];

/** An HTTP method a provider can be set to send its webhooks with. HEAD and OPTIONS never carry an event. */
export type IngestMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Who creates the secret of the provider's own proof. `"provider"`: the provider generates it and the
 * user copies it into hookfan (`setup` says from where), so a secret hookfan made up could never match.
 * `"hookfan"`: the user may paste one hookfan generates into the provider.
 */
export type SecretOwner = { readonly owner: "hookfan" } | { readonly owner: "provider"; readonly setup: string };

/** One provider's entry: everything the ingest pipeline and the sources API need to know about it. */
export interface ProviderSpec<S extends z.ZodType = z.ZodType> {
	/** The source configuration this provider accepts (the KV value, re-parsed on every read). */
	readonly source: S;
	/** How its requests carry their body; ingest refuses another declared content type with a 415. */
	readonly format: BodyFormat;
	/** Every method the provider can be set to send with; ingest answers others 405 with this `Allow`. */
	readonly methods: readonly IngestMethod[];
	/**
	 * Whether a request with an empty body carries its payload in the query string (RapidPro's GET
	 * webhooks): the parameters except `token` become the payload. Otherwise an empty body is malformed.
	 */
	readonly queryPayload: boolean;
	/** Who creates the secret of the provider's own proof (a token source's secret is always hookfan's). */
	readonly secret: SecretOwner;
	/** The provider's own proof; the shared token proof is applied by the ingest pipeline. */
	readonly verify: Verifier<z.infer<S>>;
	readonly normalize: Normalizer<z.infer<S>>;
	/** A fresh secret in the form this provider's proof needs, for a source created without one. */
	readonly generateSecret: () => string;
	/** Every canonical type its normalizer can produce (exported beside the normalizer), for the event catalog. */
	readonly emits: readonly CanonicalType[];
}

/** 32 random bytes as hex: the secret of every provider that takes any text as its key or token. */
function hexSecret(): string {
	return toHex(crypto.getRandomValues(new Uint8Array(32)));
}

type Defaulted = "generateSecret" | "methods" | "queryPayload" | "secret";

/**
 * A registry entry. Defaults: a hex secret that hookfan generates, POST and PUT (every provider could
 * always be set to PUT), and no payload in the query string.
 */
function spec<S extends z.ZodType>(
	s: Omit<ProviderSpec<S>, Defaulted> & Partial<Pick<ProviderSpec<S>, Defaulted>>,
): ProviderSpec<S> {
	return {
		generateSecret: hexSecret,
		methods: ["POST", "PUT"],
		queryPayload: false,
		secret: { owner: "hookfan" },
		...s,
	};
}

export const PROVIDERS = {
	rapidpro: spec({
		source: RapidproSourceSchema,
		format: "json",
		verify: verifyRapidpro,
		normalize: normalizeRapidpro,
		emits: RAPIDPRO_EMITS,
		// The flow editor offers GET (its default, with an empty body), POST and PATCH
		// (nyaruka/floweditor src/components/flow/routers/webhook/helpers.ts); mailroom sends what was chosen.
		methods: ["GET", "POST", "PUT", "PATCH"],
		queryPayload: true,
	}),
	cloudcontactai: spec({
		source: CloudcontactaiSourceSchema,
		format: "json",
		verify: verifyCloudcontactai,
		normalize: normalizeCloudcontactai,
		emits: CLOUDCONTACTAI_EMITS,
	}),
	telerivet: spec({
		source: TelerivetSourceSchema,
		format: "form",
		verify: verifyTelerivet,
		normalize: normalizeTelerivet,
		emits: TELERIVET_EMITS,
	}),
	voipbin: spec({
		source: VoipbinSourceSchema,
		format: "json",
		verify: verifyVoipbin,
		normalize: normalizeVoipbin,
		emits: VOIPBIN_EMITS,
		// The customer's webhook method is POST, PUT, GET or DELETE, and every one of them carries the
		// JSON body and its signature (voipbin/monorepo bin-webhook-manager models/webhook/webhook.go,
		// pkg/webhookhandler/message.go sendMessage).
		methods: ["GET", "POST", "PUT", "DELETE"],
		// Generated with the customer account (bin-customer-manager pkg/customerhandler/db.go, Create).
		secret: {
			owner: "provider",
			setup:
				"VoIPbin generates the webhook secret when it creates the customer account: copy it from the customer's settings in VoIPbin into `secret`.",
		},
	}),
	voxsig: spec({
		source: VoxsigSourceSchema,
		format: "json",
		verify: verifyVoxsig,
		normalize: normalizeVoxsig,
		emits: VOXSIG_EMITS,
		// Chatwoot generates each webhook's secret (chatwoot/chatwoot, webhooks signed since 2026-02).
		secret: {
			owner: "provider",
			setup:
				"Chatwoot generates the webhook secret: copy it from Settings → Integrations → Webhooks (the webhook's secret) into `secret`.",
		},
	}),
	standardwebhooks: spec({
		source: StandardWebhooksSourceSchema,
		format: "json",
		verify: verifyStandardWebhooks,
		normalize: normalizeStandardWebhooks,
		generateSecret: generateWhsecSecret,
		// Standard Webhooks senders keep any canonical type whose `data` fits (another hookfan, say).
		emits: CANONICAL_TYPE_NAMES,
	}),
};

/** A provider id: a key of the registry, the one list of providers. */
export type ProviderId = keyof typeof PROVIDERS;
/** Every provider id, in registry order. */
export const PROVIDER_IDS = Object.keys(PROVIDERS) as [ProviderId, ...ProviderId[]];
/** A provider id, as the sources API accepts and shows it. */
export const ProviderIdSchema = z.enum(PROVIDER_IDS);

const schemas = Object.values(PROVIDERS).map((p) => p.source) as unknown as [
	(typeof PROVIDERS)[ProviderId]["source"],
	...(typeof PROVIDERS)[ProviderId]["source"][],
];

/** The catalog's view of the registry: ids, and which providers emit each canonical type. */
export const CATALOG_PROVIDERS: CatalogProviders = {
	ids: PROVIDER_IDS,
	emitters(type) {
		const ids = PROVIDER_IDS.filter((id) => PROVIDERS[id].emits.includes(type));
		// Standard Webhooks relays every type, so the list is never empty.
		return ids as unknown as [ProviderId, ...ProviderId[]];
	},
};

/** A source's stored configuration, whichever provider it is for. */
export const SourceConfigSchema = z.discriminatedUnion("provider", schemas);
export type SourceConfig = z.infer<typeof SourceConfigSchema>;

/**
 * Why a source configuration cannot do without a given secret: the setup hint of a provider that owns
 * the secret of the proof the source uses; null when hookfan may generate one (including every token
 * source: the user puts that secret into the provider's URL or header).
 */
export function secretSetupHint(spec: ProviderSpec, verification: unknown): string | null {
	if (verification === "token" || spec.secret.owner === "hookfan") return null;
	return spec.secret.setup;
}

/** The registry entry for a provider id. */
export function providerSpec(id: ProviderId): ProviderSpec {
	return PROVIDERS[id] as unknown as ProviderSpec;
}

/**
 * The registry entry for a parsed source configuration. (This does not compile if a registry key
 * differs from the `provider` its source schema accepts.)
 */
export function providerOf(source: SourceConfig): ProviderSpec {
	return providerSpec(source.provider);
}
