import { describe, expect, it } from "vitest";
import { targetProblem } from "./targets";

describe("targetProblem", () => {
	it("accepts public https URLs", () => {
		expect(targetProblem("https://hooks.example.com/in", false)).toBeNull();
		expect(targetProblem("https://203.0.113.9:8443/x", false)).toBeNull();
	});

	it("refuses http, private and loopback hosts in production", () => {
		for (const url of [
			"http://hooks.example.com/",
			"https://localhost/",
			"https://api.localhost/",
			"https://127.0.0.1/",
			"https://10.1.2.3/",
			"https://172.20.0.1/",
			"https://192.168.1.1/",
			"https://169.254.169.254/latest/meta-data",
			"https://[::1]/",
			"https://[fd00::1]/",
			"https://[::ffff:127.0.0.1]/",
			"https://intranet/",
			"https://printer.local/",
		]) {
			expect(targetProblem(url, false), url).not.toBeNull();
		}
	});

	it("refuses private hosts by any spelling: case, a trailing dot, IDNA, numeric forms", () => {
		for (const url of [
			"https://localhost./h",
			"https://LOCALHOST./",
			"https://LocalHost/",
			"https://api.localhost./",
			"https://printer.local./",
			"https://metadata.google.internal./computeMetadata/v1/",
			"https://localhost../",
			"https://\uFF4C\uFF4F\uFF43\uFF41\uFF4C\uFF48\uFF4F\uFF53\uFF54/", // fullwidth "localhost"
			"https://127.0.0.1./",
			"https://0x7f.1/",
			"https://2130706433/",
			"https://017700000001/",
			"https://[0:0:0:0:0:0:0:1]/",
			"https://[::ffff:7f00:1]/",
			"https://intranet./",
		]) {
			expect(targetProblem(url, false), url).toBe("must be a public host");
		}
	});

	it("accepts a public name written with a trailing dot or in another script", () => {
		expect(targetProblem("https://hooks.example.com./in", false)).toBeNull();
		expect(targetProblem("https://HOOKS.Example.COM/in", false)).toBeNull();
		expect(targetProblem("https://bücher.example/in", false)).toBeNull();
	});

	it("allows http and loopback when insecure targets are allowed (local development)", () => {
		expect(targetProblem("http://127.0.0.1:9000/hook", true)).toBeNull();
		expect(targetProblem("ftp://127.0.0.1/", true)).not.toBeNull();
	});

	it("refuses credentials in the URL and non-URLs", () => {
		expect(targetProblem("https://user:pw@hooks.example.com/", false)).not.toBeNull();
		expect(targetProblem("not a url", false)).toBe("not a URL");
	});
});
