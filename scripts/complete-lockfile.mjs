#!/usr/bin/env node
/**
 * Makes package-lock.json usable by `npm ci` on any machine.
 *
 * Why: npm records a package's platform-specific optional dependencies (workerd's and Biome's native
 * binaries) only when the registry it installs from serves them. A registry mirror that carries only
 * Linux builds leaves the macOS and Windows entries out, and `npm ci` then rejects the lock as out of
 * sync. This adds each missing entry, marked optional with the platform it is for, so `npm ci` skips
 * it on other platforms exactly as it would with a complete lock. Run after `npm install` changes the
 * lock (`npm run fix-lock`; CI runs it before `npm ci`), and commit the result.
 */
import { readFileSync, writeFileSync } from "node:fs";

const LOCK = new URL("../package-lock.json", import.meta.url);

/** The platform a native binary package is for, from its conventional name. */
function platformOf(name) {
	const os = /darwin/.test(name)
		? "darwin"
		: /win32|windows/.test(name)
			? "win32"
			: /android/.test(name)
				? "android"
				: "linux";
	const cpu = /arm64|aarch64/.test(name) ? "arm64" : /x64|-64$/.test(name) ? "x64" : undefined;
	const libc = os === "linux" && /musl/.test(name) ? ["musl"] : undefined;
	return { os: [os], ...(cpu ? { cpu: [cpu] } : {}), ...(libc ? { libc } : {}) };
}

/** Where Node would find `name` from the package at `path`: nested first, then each parent. */
function resolves(packages, path, name) {
	let dir = path;
	for (;;) {
		if (packages[`${dir ? `${dir}/` : ""}node_modules/${name}`]) return true;
		if (!dir) return false;
		const cut = dir.lastIndexOf("/node_modules/");
		dir = cut === -1 ? "" : dir.slice(0, cut);
	}
}

const lock = JSON.parse(readFileSync(LOCK, "utf8"));
const added = [];
for (const [path, entry] of Object.entries(lock.packages)) {
	for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
		if (resolves(lock.packages, path, name)) continue;
		const at = `${path ? `${path}/` : ""}node_modules/${name}`;
		lock.packages[at] = { version, optional: true, ...platformOf(name) };
		added.push(`${name}@${version}`);
	}
}
if (added.length > 0) {
	lock.packages = Object.fromEntries(
		Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
	);
	writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
	console.log(`complete-lockfile: added ${added.length} platform entries: ${added.join(", ")}`);
}
