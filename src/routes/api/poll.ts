/**
 * The OpenAPI description of `GET /v1/subscriptions/{id}/poll`: a polling subscription's consumer
 * pulls its events here (the handler is with the other subscription routes, ./subscriptions).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { EnvelopeSchema } from "../../schema/envelope";
import { errors, json } from "./common";

/** The longest a poll may wait for an event, in seconds. */
export const MAX_POLL_WAIT_SECONDS = 30;

export const PollQuerySchema = z.object({
	cursor: z
		.string()
		.max(100)
		.optional()
		.openapi({
			param: { name: "cursor", in: "query" },
			description:
				"A `next_cursor` from an earlier poll. Passing it acknowledges everything before it: the subscription's stored position moves there. Without it, the poll starts at the stored position.",
		}),
	limit: z.coerce
		.number()
		.int()
		.min(1)
		.max(100)
		.default(100)
		.openapi({ param: { name: "limit", in: "query" }, description: "At most this many envelopes" }),
	wait: z.coerce
		.number()
		.int()
		.min(0)
		.max(MAX_POLL_WAIT_SECONDS)
		.default(0)
		.openapi({
			param: { name: "wait", in: "query" },
			description: "Seconds to hold the request open when nothing new matches (long poll)",
		}),
});

export const PollPageSchema = z
	.object({
		data: z.array(EnvelopeSchema.openapi("Envelope")).openapi({ description: "Matching envelopes, in sequence order" }),
		next_cursor: z.string().openapi({
			description: "Where the next poll starts: pass it back as `cursor` (also after an empty page)",
			example: "c42",
		}),
	})
	.openapi("PollPage");

export const pollRoute = createRoute({
	method: "get",
	path: "/v1/subscriptions/{id}/poll",
	tags: ["Subscriptions"],
	summary: "Read a polling subscription's next events, waiting up to `wait` seconds for one",
	description:
		"Returns the envelopes matching the subscription's `event_types` and `sources` after the cursor, in sequence " +
		"order, and `next_cursor`. At least once: the stored position moves only when a later poll passes a cursor, " +
		"so a page whose consumer died before asking for the next is read again. A cursor older than the retained " +
		"log continues from the oldest kept event. 409 `wrong_subscription_type` for a webhook subscription.",
	security: [{ tenantKey: [] }],
	request: {
		params: z.object({
			id: z
				.string()
				.max(100)
				.openapi({ param: { name: "id", in: "path" }, example: "sub_01JD..." }),
		}),
		query: PollQuerySchema,
	},
	responses: { 200: json(PollPageSchema, "The next envelopes and cursor"), ...errors(401, 404, 409, 422) },
});
