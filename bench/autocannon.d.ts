/** The part of autocannon's API the ingest benchmark uses (the package ships no types). */
declare module "autocannon" {
	export interface Histogram {
		average: number;
		mean: number;
		stddev: number;
		min: number;
		max: number;
		total: number;
		p50: number;
		p90: number;
		p97_5: number;
		p99: number;
	}

	export interface RequestParams {
		method?: string;
		path?: string;
		headers?: Record<string, string>;
		body?: string | Buffer;
	}

	export interface Request extends RequestParams {
		/** Builds each request just before it is sent; returning a falsy value restarts the sequence. */
		setupRequest?: (request: RequestParams, context: Record<string, unknown>) => RequestParams;
	}

	export interface Options {
		url: string;
		connections?: number;
		/** Seconds. */
		duration?: number;
		pipelining?: number;
		/** Seconds. */
		timeout?: number;
		requests?: Request[];
	}

	export interface Result {
		/** Seconds. */
		duration: number;
		/** `total` is the number of completed requests. */
		requests: Histogram;
		/** Milliseconds. */
		latency: Histogram;
		errors: number;
		timeouts: number;
		non2xx: number;
		statusCodeStats: Record<string, { count: number }>;
	}

	function autocannon(options: Options): Promise<Result>;
	export default autocannon;
}
