/**
 * The console's shell: sign-in with a tenant API key (kept in sessionStorage), the section links, and
 * one refresh loop that re-reads GET /v1/stats plus the current view every few seconds while the tab
 * is visible. Views live in their own modules and only ever call the public tenant API.
 */
import { client } from "./api.js";
import { h, ms, percent, replaceKeepingFocus } from "./dom.js";
import { eventDetailView, eventsView } from "./events.js";
import { sourcesView } from "./sources.js";
import { subscriptionsView } from "./subscriptions.js";

const KEY_STORAGE = "hookfan.apiKey";
/** Live views (the events) refresh this often; stats, subscriptions and sources every SHARED_MS. */
const REFRESH_MS = 3000;
const SHARED_MS = 15_000;
const VIEWS = { events: eventsView, event: eventDetailView, subscriptions: subscriptionsView, sources: sourcesView };
const $ = (id) => document.getElementById(id);

/** What every view gets: the API, the latest shared reads, and a way to speak to the user. */
const ctx = {
	api: null,
	stats: null,
	subscriptions: new Map(),
	sources: [],
	/** A subscription's short name for lists: its description, else its URL without the scheme. */
	label(id) {
		const sub = this.subscriptions.get(id);
		if (!sub) return id;
		return sub.description || sub.url.replace(/^https?:\/\//, "");
	},
	announce(message, tone = "info") {
		const status = $("status");
		status.textContent = message;
		status.dataset.tone = tone;
		clearTimeout(status.timer);
		status.timer = setTimeout(() => {
			status.textContent = "";
		}, 6000);
	},
	refresh: () => refresh(true),
	/** Re-reads the shared data now; for views inside a refresh (refresh() would wait for itself). */
	reloadShared: () => loadShared(),
};

let current = null;
let timer = 0;
let refreshing = null;
let sharedAt = 0;

async function pages(path) {
	const out = [];
	let cursor = null;
	for (let i = 0; i < 10; i++) {
		const sep = path.includes("?") ? "&" : "?";
		const page = await ctx.api("GET", `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
		out.push(...page.data);
		cursor = page.next_cursor;
		if (!cursor) break;
	}
	return out;
}

/** Reads what every view shares: stats for the totals, the subscriptions (for names) and sources. */
async function loadShared() {
	const [stats, subs, sources] = await Promise.all([
		ctx.api("GET", "/v1/stats"),
		pages("/v1/subscriptions"),
		pages("/v1/sources"),
	]);
	ctx.stats = stats;
	ctx.subscriptions = new Map(subs.map((s) => [s.id, s]));
	ctx.sources = sources;
	sharedAt = Date.now();
	renderSummary();
}

/**
 * Re-reads the current view, and the shared data when `force` or when it is older than SHARED_MS.
 * Live views (events) update on every tick; the others when the shared data did. One at a time.
 */
async function refresh(force) {
	while (refreshing) await refreshing;
	const run = refreshOnce(force);
	refreshing = run;
	try {
		await run;
	} finally {
		// Cleared only here, after the assignment: a run that finishes without awaiting must not leave
		// a settled promise behind, or the loop above would spin on it forever.
		if (refreshing === run) refreshing = null;
	}
}

async function refreshOnce(force) {
	try {
		if (!ctx.api) return;
		const sharedDue = force || Date.now() - sharedAt >= SHARED_MS;
		if (sharedDue) await loadShared();
		if (sharedDue || current?.live) await current?.update();
	} catch (err) {
		if (ctx.api && err.status !== 401) ctx.announce(`Could not refresh: ${err.message}`, "error");
	}
}

function schedule() {
	clearTimeout(timer);
	timer = setTimeout(async () => {
		if (!document.hidden) await refresh(false);
		if (ctx.api) schedule();
	}, REFRESH_MS);
}

function renderSummary() {
	const s = ctx.stats;
	if (!s) return;
	$("tenant-name").textContent = `Tenant ${s.tenant}`;
	const day = s.windows["24h"];
	const hour = s.windows["1h"];
	const item = (label, value, sub) =>
		h("div", { class: "stat" }, h("dt", {}, label), h("dd", {}, value, sub ? h("span", { class: "sub" }, sub) : null));
	replaceKeepingFocus(
		$("summary"),
		h(
			"dl",
			{},
			// Each card's caption says what it counts and over which window.
			item("Events accepted, 24 h", String(day.accepted), `events answered 200; ${hour.accepted} in the last hour`),
			item("Delivered", String(day.delivered), "deliveries answered 2xx, of events from the last 24 h"),
			item("Failed", String(day.failed), "deliveries dead-lettered, of events from the last 24 h"),
			item(
				"Open",
				String(day.pending),
				"deliveries not settled yet (retrying, waiting, held, queued or in flight), of events from the last 24 h",
			),
			item(
				"Attempt success, 24 h",
				percent(day.succeeded, day.attempts),
				`attempts answered 2xx, of ${day.attempts} attempts`,
			),
			item(
				"Latency p50 / p99",
				`${ms(hour.latency_ms.p50)} / ${ms(hour.latency_ms.p99)}`,
				`subscriber answer time per attempt, last hour; 24 h: ${ms(day.latency_ms.p50)} / ${ms(day.latency_ms.p99)}`,
			),
		),
	);
}

/** Shows the view the address names: #/events, #/events/evt_…, #/subscriptions, #/sources. */
async function route() {
	if (!ctx.api) return;
	const [name = "events", param] = location.hash.replace(/^#\/?/, "").split("/");
	const viewName = name === "events" && param ? "event" : VIEWS[name] ? name : "events";
	for (const link of document.querySelectorAll("#nav a")) {
		if (link.dataset.view === (viewName === "event" ? "events" : viewName)) link.setAttribute("aria-current", "page");
		else link.removeAttribute("aria-current");
	}
	current?.dispose?.();
	const root = h("div", { class: "view" });
	$("view").replaceChildren(root);
	current = VIEWS[viewName](ctx, root, param ? decodeURIComponent(param) : undefined);
	document.title = `${current.title} · hookfan console`;
	await refresh(true); // a view opened shows current numbers
}

function showSignIn(message = "") {
	$("sign-in").hidden = false;
	$("app").hidden = true;
	$("nav").hidden = true;
	$("who").hidden = true;
	$("sign-in-error").textContent = message;
	$("api-key").value = "";
	$("api-key").setAttribute("aria-invalid", message ? "true" : "false");
	$("api-key").focus();
}

/** Forgets the key and every piece of tenant data on the page. */
function signOut(message = "") {
	sessionStorage.removeItem(KEY_STORAGE);
	ctx.api = null;
	ctx.stats = null;
	ctx.subscriptions = new Map();
	ctx.sources = [];
	current?.dispose?.();
	current = null;
	clearTimeout(timer);
	$("view").replaceChildren();
	$("summary").replaceChildren();
	$("tenant-name").textContent = "";
	showSignIn(message);
}

async function signIn(input) {
	const key = input.trim();
	if (!key) return showSignIn("Enter your tenant API key.");
	if (!key.startsWith("hf_")) {
		return showSignIn(
			"That is not a tenant API key: those start with hf_. (The admin token only creates tenants; use the api_key that POST /v1/tenants returned.)",
		);
	}
	const api = client(key, () => {
		if (ctx.api === api) signOut("Your key is no longer accepted (revoked, or the tenant was deleted). Sign in again.");
	});
	try {
		ctx.stats = await api("GET", "/v1/stats");
	} catch (err) {
		return showSignIn(
			err.status === 401
				? "This key was not accepted: check that you copied all of it. It may have been revoked, or belong to another hookfan."
				: `Could not sign in: ${err.message}`,
		);
	}
	sessionStorage.setItem(KEY_STORAGE, key);
	ctx.api = api;
	$("sign-in").hidden = true;
	$("app").hidden = false;
	$("nav").hidden = false;
	$("who").hidden = false;
	$("sign-in-error").textContent = "";
	await route();
	focusView();
	schedule();
}

$("sign-in-form").addEventListener("submit", (event) => {
	event.preventDefault();
	void signIn($("api-key").value);
});
$("sign-out").addEventListener("click", () => signOut("Signed out."));
window.addEventListener("hashchange", () => {
	void route().then(focusView);
});

/** After a change of view, focus its heading, so screen readers announce where the user is. */
function focusView() {
	($("view").querySelector("h1") ?? $("main")).focus();
}
document.addEventListener("visibilitychange", () => {
	if (!document.hidden && ctx.api) void refresh(false);
});

const saved = sessionStorage.getItem(KEY_STORAGE);
if (saved) void signIn(saved);
else showSignIn();
