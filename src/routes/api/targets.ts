/**
 * Which subscriber URLs are allowed. In production a target must be https and a public host: a
 * webhook gateway that posts wherever it is told is an SSRF tool. `ALLOW_INSECURE_TARGETS=true`
 * (set by `npm run dev`) admits http and loopback for local demos.
 */

const PRIVATE_HOSTS = /^(localhost|.*\.localhost|.*\.local|.*\.internal|metadata\.google\.internal)$/i;

/** IPv4 literal in a range that is not publicly routable. */
function privateIpv4(host: string): boolean {
	const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
	if (!m) return false;
	const [a, b] = [Number(m[1]), Number(m[2])];
	return (
		a === 0 ||
		a === 10 ||
		a === 127 ||
		(a === 100 && b >= 64 && b <= 127) ||
		(a === 169 && b === 254) ||
		(a === 172 && b >= 16 && b <= 31) ||
		(a === 192 && b === 168) ||
		(a === 198 && (b === 18 || b === 19)) ||
		a >= 224
	);
}

/** IPv6 literal (in brackets, as URL.hostname gives it) that is loopback, link-local, unique-local or mapped. */
function privateIpv6(host: string): boolean {
	if (!host.startsWith("[")) return false;
	const addr = host.slice(1, -1).toLowerCase();
	return addr === "::" || addr === "::1" || /^f[cd]/.test(addr) || /^fe[89ab]/.test(addr) || addr.startsWith("::ffff:");
}

/**
 * The host as a resolver would look it up: `URL` has already lowercased it, turned an IDN into its
 * ASCII (punycode) form and rewritten numeric IPv4 spellings (`0x7f.1`, `2130706433`) to dotted
 * decimal; this also drops the one trailing dot of a fully qualified name (`localhost.`). A name with
 * an empty label (`localhost..`) returns null: no resolver takes it as a public host.
 */
function canonicalHost(hostname: string): string | null {
	const host = hostname.endsWith(".") ? hostname.slice(0, -1) : hostname;
	if (host === "" || host.split(".").some((label) => label === "")) return null;
	return host;
}

/** Why a subscriber URL is not allowed, or null when it is. */
export function targetProblem(raw: string, allowInsecure: boolean): string | null {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return "not a URL";
	}
	if (url.username || url.password) return "credentials in the URL are not allowed; use the signature to authenticate";
	if (allowInsecure) return url.protocol === "https:" || url.protocol === "http:" ? null : "must be http or https";
	if (url.protocol !== "https:") return "must be https";
	const host = canonicalHost(url.hostname);
	if (host === null || PRIVATE_HOSTS.test(host) || privateIpv4(host) || privateIpv6(host) || !host.includes(".")) {
		return "must be a public host";
	}
	return null;
}
