/**
 * RapidPro / TextIt: the sender signs nothing. A flow's `call_webhook` action lets the author set
 * headers (goflow's own example is `Authorization: Token <secret>`); a `call_resthook` action cannot,
 * so its subscriber URL carries `?token=<secret>`. Either way the only proof is a shared token, so a
 * RapidPro source is always a token source. Mailroom's `User-Agent: RapidProMailroom/<v>` and
 * `X-Mailroom-Mode` headers identify the sender but prove nothing, and are not checked.
 */
import { z } from "zod";
import { SourceBaseSchema } from "../schema/source";
import { verifyToken } from "./token";
import type { Verifier } from "./types";

export const RapidproSourceSchema = SourceBaseSchema.extend({
	provider: z.literal("rapidpro"),
	/** The shared token is the only proof RapidPro can give; the field is kept for a uniform config. */
	verification: z.literal("token").default("token"),
});
export type RapidproSource = z.infer<typeof RapidproSourceSchema>;

/**
 * Verifies a RapidPro request by its shared token. The ingest pipeline already routes token sources
 * to the shared proof; this verifier gives the same answer when called on its own.
 */
export const verifyRapidpro: Verifier<RapidproSource> = (input, source) => verifyToken(input, source);
