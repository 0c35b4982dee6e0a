/** What every API route group shares: the OpenAPI app factory, error responses, pagination. */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { TenantVariables } from "../../auth";
import { PROBLEM_CODES, PROBLEM_CONTENT_TYPE, type ProblemCode, problem } from "../../problem";

/** RFC 9457 problem details, as every error response renders them. */
export const ProblemSchema = z
	.object({
		type: z.string(),
		title: z.string(),
		status: z.number().int(),
		code: z
			.enum(Object.keys(PROBLEM_CODES) as [ProblemCode, ...ProblemCode[]])
			.openapi({ description: "Stable machine-readable error code", example: "not_found" }),
		detail: z.string().optional(),
		issues: z.array(z.unknown()).optional().openapi({ description: "zod issues, for validation errors" }),
	})
	.openapi("Problem");

const ERROR_DESCRIPTIONS = {
	400: "Malformed request",
	401: "Missing or wrong API key",
	404: "Not found (another tenant's resources are not found either)",
	409: "Conflicts with an existing resource",
	415: "Unsupported content type",
	422: "The body or query does not fit the schema",
	503: "The admin API is disabled (ADMIN_TOKEN unset)",
} as const;

/** OpenAPI responses for the given error statuses, all problem+json. */
export function errors<S extends keyof typeof ERROR_DESCRIPTIONS>(...statuses: S[]) {
	return Object.fromEntries(
		statuses.map((s) => [
			s,
			{ description: ERROR_DESCRIPTIONS[s], content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } },
		]),
	) as unknown as {
		[K in S]: { description: string; content: { [PROBLEM_CONTENT_TYPE]: { schema: typeof ProblemSchema } } };
	};
}

/** A JSON response for OpenAPI. */
export function json<T extends z.ZodType>(schema: T, description: string) {
	return { description, content: { "application/json": { schema } } };
}

/** A JSON request body for OpenAPI. */
export function body<T extends z.ZodType>(schema: T, required = true) {
	return { required, content: { "application/json": { schema } } };
}

export const SlugParam = z
	.string()
	.regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
	.openapi({ description: "A slug: [a-z0-9][a-z0-9-]{0,62}", example: "acme" });

export const PageQuerySchema = z.object({
	limit: z.coerce
		.number()
		.int()
		.min(1)
		.max(200)
		.default(50)
		.openapi({ param: { name: "limit", in: "query" } }),
	cursor: z
		.string()
		.max(500)
		.optional()
		.openapi({ param: { name: "cursor", in: "query" }, description: "next_cursor of the previous page" }),
});

/** Route groups find the page schema here with the other shared pieces; it is a read model. */
export { pageOf } from "../../schema/read-models";

export type AppEnv = { Bindings: Env; Variables: TenantVariables };

/** An OpenAPIHono whose validation failures are 422 problems carrying the zod issues. */
export function apiApp() {
	return new OpenAPIHono<AppEnv>({
		defaultHook: (result) => {
			if (!result.success) {
				throw problem("validation_failed", {
					issues: result.error.issues,
				});
			}
		},
	});
}

/** A numeric cursor from a previous page, or a 422 when it is not one. */
export function numericCursor(cursor: string | undefined): number | undefined {
	if (cursor === undefined) return undefined;
	if (!/^\d{1,15}$/.test(cursor)) throw problem("invalid_cursor");
	return Number(cursor);
}
