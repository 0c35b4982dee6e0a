/**
 * Loads @hono/zod-openapi before any test module, as src/index.ts does first thing in the Worker.
 * It adds `.openapi()` to zod's types, and zod 4 copies methods onto each schema when it is built:
 * a test whose first import reaches a shared schema (src/schema/envelope.ts through a verifier, say)
 * would otherwise build it without `.openapi()`, and the routes that call it would fail to load.
 */
import "@hono/zod-openapi";
