/** One request the local subscriber received (shared by its Node server and the workerd tests). */
export interface Received {
	path: string;
	headers: Record<string, string>;
	body: string;
	status: number;
	at: number;
}

declare module "vitest" {
	/** What global-setup.ts provides to the tests. */
	export interface ProvidedContext {
		sinkPort: number;
	}
}
