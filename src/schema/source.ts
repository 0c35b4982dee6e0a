/**
 * What every source configuration shares. Each provider extends it in its verifier
 * (src/verify/<provider>.ts), and src/providers.ts joins them into one union.
 */
import { z } from "zod";

export const SourceBaseSchema = z.object({
	/** The shared secret: HMAC key, token or password, depending on the provider and proof. */
	secret: z.string().min(1).max(512),
	/** Free-form label for people; never used for decisions. */
	description: z.string().max(500).optional(),
});

/** Default tolerance for timestamped signature schemes, in seconds. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export const ToleranceSchema = z.number().int().min(1).max(86_400).default(DEFAULT_TOLERANCE_SECONDS);

/** A header name a source may override (for senders that renamed a provider's headers). */
export const HeaderNameSchema = z
	.string()
	.regex(/^[A-Za-z0-9-]{1,100}$/, "must be an HTTP header name")
	.transform((s) => s.toLowerCase());
