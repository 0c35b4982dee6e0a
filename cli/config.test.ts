import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configPath, DEFAULT_URL, readConfig, resolveSettings, writeConfig } from "./config.ts";

const stored = { url: "http://file:1", key: "hf_file", admin_token: "admin-file" };
const env = { HOOKFAN_URL: "http://env:1", HOOKFAN_KEY: "hf_env", HOOKFAN_ADMIN_TOKEN: "admin-env" };

describe("resolveSettings", () => {
	it("takes a flag over the environment over the config file", () => {
		const flags = { url: "http://flag:1", key: "hf_flag", adminToken: "admin-flag" };
		expect(resolveSettings(flags, env, stored)).toEqual({
			url: "http://flag:1",
			key: "hf_flag",
			adminToken: "admin-flag",
		});
		expect(resolveSettings({}, env, stored)).toEqual({ url: "http://env:1", key: "hf_env", adminToken: "admin-env" });
		expect(resolveSettings({}, {}, stored)).toEqual({ url: "http://file:1", key: "hf_file", adminToken: "admin-file" });
	});

	it("falls back to the local gateway, with no credentials, and ignores empty values", () => {
		expect(resolveSettings({ key: "" }, { HOOKFAN_URL: "" }, {})).toEqual({
			url: DEFAULT_URL,
			key: undefined,
			adminToken: undefined,
		});
	});

	it("drops a trailing slash from the URL", () => {
		expect(resolveSettings({ url: "https://hooks.example.com/" }, {}, {}).url).toBe("https://hooks.example.com");
	});
});

describe("the config file", () => {
	it("lives under XDG_CONFIG_HOME, else ~/.config", () => {
		expect(configPath({ XDG_CONFIG_HOME: "/x" })).toBe("/x/hookfan/config.json");
		expect(configPath({ HOME: "/home/u" })).toBe("/home/u/.config/hookfan/config.json");
	});

	it("is written 0600, also over an existing file, and reads back", () => {
		const path = join(mkdtempSync(join(tmpdir(), "hookfan-config-")), "hookfan", "config.json");
		writeConfig(path, { url: "http://a" });
		writeFileSync(path, "{}", { mode: 0o644 });
		writeConfig(path, stored);
		expect(statSync(path).mode & 0o777).toBe(0o600);
		expect(readConfig(path)).toEqual(stored);
		expect(JSON.parse(readFileSync(path, "utf8"))).toEqual(stored);
	});

	it("reads as empty when missing, and as an error naming the file when broken", () => {
		const dir = mkdtempSync(join(tmpdir(), "hookfan-config-"));
		expect(readConfig(join(dir, "none.json"))).toEqual({});
		writeFileSync(join(dir, "broken.json"), "{not json");
		expect(() => readConfig(join(dir, "broken.json"))).toThrow(/broken\.json is not a JSON object/);
	});
});
