/**
 * The console in a real browser (Debian's chromium through playwright-core) against `wrangler dev`,
 * as a tenant uses it: a wrong key shows a clear message and no data; with the right key the events
 * list shows a delivered event and updates live, the failing subscription shows its error in words,
 * redeliver adds an attempt to the event's timeline, pause and resume work, sources and subscriptions
 * are created, edited and deleted, and a waiting retry is sent now. Its screenshots go to a temporary
 * folder; `npm run screenshots` sets HOOKFAN_SCREENSHOTS=docs/screenshots to refresh the README's.
 */
import { createHmac } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSink } from "../support/sink-server";
import { request } from "./api";
import { type DevServer, startDev, stateDir } from "./dev-server";

const PORT = 18798;
const ADMIN = "e2e-admin-token";
const CHROMIUM = "/usr/bin/chromium";
// Tests write only to temporary folders: a checkout stays clean after `npm test`.
const SHOTS = process.env.HOOKFAN_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), "hookfan-shots-"));

let sink: Awaited<ReturnType<typeof startSink>>;
let server: DevServer | null = null;
let browser: Browser | null = null;

beforeAll(async () => {
	if (!existsSync(CHROMIUM)) {
		throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does.`);
	}
	sink = await startSink();
	server = await startDev(PORT, stateDir(), { ADMIN_TOKEN: ADMIN, DELIVERY_TIMEOUT_SECONDS: "3" });
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: [
			"--no-sandbox",
			"--headless",
			"--disable-gpu",
			"--disable-quic",
			"--no-first-run",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
		],
	});
});

afterAll(async () => {
	await browser?.close();
	await server?.kill();
	sink?.server.close();
});

function call<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
	return request<T>(server?.url ?? "", token, method, path, body);
}

/** Posts a VoIPbin call event, signed as VoIPbin signs (hex HMAC-SHA256 of the body). */
async function postCall(source: { ingest_url: string; secret: string }, type: string, id: string): Promise<void> {
	const body = JSON.stringify({
		type,
		data: {
			id,
			status: type === "call_hungup" ? "hangup" : "progressing",
			direction: "incoming",
			source: { type: "tel", target: "+15550001111" },
			destination: { type: "tel", target: "+15550002222" },
			hangup_reason: type === "call_hungup" ? "normal" : "",
			tm_update: "2026-11-20 10:00:05.000000",
		},
	});
	const signature = `sha256=${createHmac("sha256", source.secret).update(body).digest("hex")}`;
	const res = await fetch(source.ingest_url, {
		method: "POST",
		headers: { "content-type": "application/json", "x-voipbin-signature": signature },
		body,
	});
	expect(res.status).toBe(200);
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await read();
		if (done(v) || Date.now() > deadline) return v;
		await new Promise((r) => setTimeout(r, 200));
	}
}

async function shot(page: Page, name: string, fullPage = false): Promise<void> {
	mkdirSync(SHOTS, { recursive: true });
	const path = join(SHOTS, name);
	// The status line is a passing notice; it would cover content in a still picture.
	await page.evaluate('document.getElementById("status").textContent = ""');
	await page.screenshot({ path, fullPage });
	expect(statSync(path).size, name).toBeLessThan(300_000);
}

interface Fixture {
	url: string;
	key: string;
	vb: { ingest_url: string; secret: string };
	okId: string;
	failingId: string;
	/** What the healthy subscriber has received so far. */
	received: () => Promise<unknown[]>;
}

/** Everything a tenant does in the console, step by step. */
async function drive(page: Page, f: Fixture): Promise<void> {
	const { url, key, vb, received } = f;

	// Wrong or missing key: a clear message and no data.
	await page.goto(`${url}/console`);
	await expect.poll(() => page.url()).toBe(`${url}/console/`);
	const keyField = page.getByLabel("Tenant API key");
	const signIn = page.getByRole("button", { name: "Sign in" });
	const error = page.locator("#sign-in-error");
	await signIn.click();
	await expect.poll(() => error.textContent()).toContain("Enter your tenant API key");
	await keyField.fill(ADMIN);
	await signIn.click();
	await expect.poll(() => error.textContent()).toContain("start with hf_");
	await keyField.fill(`${key.slice(0, -4)}XXXX`);
	await signIn.click();
	await expect.poll(() => error.textContent()).toContain("This key was not accepted");
	expect(await page.locator("#app").isVisible()).toBe(false);
	expect(await page.locator("table, article").count()).toBe(0);
	expect(await page.evaluate("sessionStorage.length")).toBe(0);
	await shot(page, "console-sign-in-error.png");

	// The right key: the events list shows a delivered event.
	await keyField.fill(key);
	await signIn.click();
	const rows = page.locator("table.events tbody tr");
	await expect.poll(() => rows.count()).toBe(2);
	const newest = rows.first();
	await expect.poll(() => newest.textContent()).toContain("call.hangup");
	await expect.poll(() => newest.locator(".badge-delivered").count()).toBe(1);
	expect(await page.getByRole("heading", { name: "Events", level: 1 }).isVisible()).toBe(true);

	// Live: a new event appears without reloading.
	await postCall(vb, "call_created", "call-2");
	await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3);
	await until(received, (r) => r.length >= 3);
	await expect.poll(() => rows.first().locator(".badge-delivered").count(), { timeout: 15_000 }).toBe(1);
	// Filter by type.
	await page.getByLabel("Type").fill("call.hangup");
	await page.getByRole("button", { name: "Filter", exact: true }).click();
	await expect.poll(() => rows.count()).toBe(1);
	await page.getByRole("button", { name: "Clear" }).click();
	await expect.poll(() => rows.count()).toBe(3);
	await shot(page, "console-events.png");

	// The failing subscription shows its error.
	await page.getByRole("link", { name: "Subscriptions" }).click();
	const billing = page.getByRole("article", { name: "Billing (returns 500)" });
	await expect.poll(() => billing.textContent(), { timeout: 20_000 }).toContain('HTTP 500: "no"');
	// Its oldest open delivery says where it stands: the first event, retrying, with its next attempt.
	await expect.poll(() => billing.textContent()).toMatch(/Oldest open#1 retrying next attempt/);
	const crm = page.getByRole("article", { name: "CRM sync" });
	await expect.poll(() => crm.textContent()).toContain("100% of 3 attempts succeeded");
	await shot(page, "console-subscriptions.png", true);

	// Pause and resume the healthy subscription.
	await crm.getByRole("button", { name: "Pause" }).click();
	await expect.poll(() => crm.locator(".badge").first().textContent()).toBe("paused");
	expect((await call<{ status: string }>(key, "GET", `/v1/subscriptions/${f.okId}`)).status).toBe("paused");
	await crm.getByRole("button", { name: "Resume" }).click();
	await expect.poll(() => crm.locator(".badge").first().textContent()).toBe("active");
	expect((await call<{ status: string }>(key, "GET", `/v1/subscriptions/${f.okId}`)).status).toBe("active");

	// Replay to the healthy subscription from sequence 1: everything again, in order.
	await crm.getByRole("button", { name: "Replay…" }).click();
	const dialog = page.getByRole("dialog");
	await dialog.getByLabel("From sequence").fill("1");
	await dialog.getByRole("button", { name: "Replay" }).click();
	await expect.poll(() => page.locator("#status").textContent()).toContain("Replaying 3 events to CRM sync");
	expect((await until(received, (r) => r.length >= 6)).length).toBe(6);

	// Edit: limit the failing one to one source, then back to every source.
	await billing.getByRole("button", { name: "Edit…" }).click();
	await dialog.getByRole("checkbox", { name: /voipbin-main/ }).check();
	await dialog.getByRole("button", { name: "Save subscription" }).click();
	await expect.poll(() => billing.textContent()).toContain("sources voipbin-main");
	expect((await call<{ sources?: string[] }>(key, "GET", `/v1/subscriptions/${f.failingId}`)).sources).toEqual([
		"voipbin-main",
	]);
	await billing.getByRole("button", { name: "Edit…" }).click();
	await dialog.getByRole("checkbox", { name: /voipbin-main/ }).uncheck();
	await dialog.getByRole("button", { name: "Save subscription" }).click();
	await expect.poll(() => billing.textContent()).toContain("every source");

	// Rotate the secret: the new one is shown once, in the dialog.
	await crm.getByRole("button", { name: "Rotate secret…" }).click();
	await dialog.getByRole("button", { name: "Rotate secret" }).click();
	const secret = dialog.getByLabel("Secret");
	await expect.poll(() => secret.inputValue()).toMatch(/^whsec_/);
	await shot(page, "console-rotate-secret.png");
	await dialog.getByRole("button", { name: "I have stored it" }).click();
	expect(await dialog.isVisible()).toBe(false);
	expect(await page.content()).not.toContain(await secret.inputValue().catch(() => "whsec_gone"));

	// One event: envelope and raw side by side, its attempts as a timeline; redeliver adds one.
	await page.getByRole("link", { name: "Events" }).click();
	await rows.last().getByRole("link").click();
	await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("call.created");
	await expect.poll(() => page.getByRole("heading", { name: /^Raw payload/ }).isVisible()).toBe(true);
	const attempts = page.locator("ol.timeline > li");
	// CRM sync's first delivery and its replay, Billing's 500 with its retry planned.
	await expect.poll(() => attempts.count(), { timeout: 15_000 }).toBe(3);
	const timeline = page.locator("ol.timeline");
	expect(await timeline.textContent()).toContain("HTTP 500");
	expect(await timeline.textContent()).toContain("next retry");
	// Billing's 500: retrying, with its next attempt shown (a real one, in the future).
	const billingRow = page.locator("tr", { hasText: "Billing (returns 500)" });
	expect(await billingRow.textContent()).toContain("retrying");
	expect(await billingRow.locator("time").count()).toBeGreaterThan(0);
	await page.getByRole("button", { name: "Redeliver to CRM sync" }).click();
	await expect.poll(() => attempts.count(), { timeout: 15_000 }).toBe(4);
	expect(await attempts.last().textContent()).toMatch(/CRM sync · attempt 3.*HTTP 200/);
	await until(received, (r) => r.length >= 7);
	await shot(page, "console-event.png", true);

	// Sources: ingest URL with a copy button, proof mode, events in 24 h.
	await page.getByRole("link", { name: "Sources" }).click();
	const vbRow = page.getByRole("row", { name: /voipbin-main/ });
	await expect.poll(() => vbRow.textContent()).toContain("Signature (HMAC)");
	expect(await vbRow.getByRole("textbox").inputValue()).toBe(vb.ingest_url);
	expect(await vbRow.getByRole("button", { name: /Copy the ingest URL/ }).isVisible()).toBe(true);
	await shot(page, "console-sources.png");

	// Recent refusals: a request signed with the wrong secret shows its reason and what to check.
	const wrongBody = JSON.stringify({ type: "call_hungup", data: { id: "call-x" } });
	const refused = await fetch(vb.ingest_url, {
		method: "POST",
		headers: {
			"content-type": "application/json",
			"user-agent": "Mailroom/9.1",
			"x-voipbin-signature": `sha256=${createHmac("sha256", "an-old-secret").update(wrongBody).digest("hex")}`,
		},
		body: wrongBody,
	});
	expect(refused.status).toBe(401);
	const refusals = page.getByRole("table", { name: "Recent refusals of voipbin-main" });
	await page.getByRole("link", { name: "Events" }).click();
	await page.getByRole("link", { name: "Sources" }).click(); // opening the view reads the refusals
	await expect.poll(() => refusals.count(), { timeout: 20_000 }).toBe(1);
	const refusal = refusals.getByRole("row", { name: /signature_mismatch/ });
	expect(await refusal.textContent()).toContain("the secret in hookfan and at the provider differ");
	expect(await refusal.textContent()).toContain("Mailroom/9.1");
	expect(await refusal.textContent()).toContain("x-voipbin-signature");
	expect(await page.getByRole("heading", { name: /voipbin-main · 1 refused since/ }).count()).toBe(1);
	// The view re-renders when new data arrives, which can detach the table mid-scroll: try again then.
	const scrolled = () =>
		refusals.scrollIntoViewIfNeeded({ timeout: 2_000 }).then(
			() => true,
			() => false,
		);
	await expect.poll(scrolled, { timeout: 20_000 }).toBe(true);
	await shot(page, "console-refusals.png");

	await manage(page, f);

	// Keyboard: a section link followed with Enter moves focus to the new view's heading.
	await page.getByRole("link", { name: "Events" }).focus();
	await page.keyboard.press("Enter");
	await expect
		.poll(() => page.evaluate('document.activeElement.tagName + " " + document.activeElement.textContent'))
		.toBe("H1 Events");
	await page.keyboard.press("Tab");
	expect(await page.evaluate("document.activeElement.textContent")).toBe("Live updates on");

	// Signing out leaves no key and no data behind.
	await page.getByRole("button", { name: "Sign out" }).click();
	expect(await page.evaluate("sessionStorage.length")).toBe(0);
	expect(await page.locator("table, article").count()).toBe(0);
}

/** Creating, editing and deleting sources and subscriptions; retry now; errors in words. */
async function manage(page: Page, f: Fixture): Promise<void> {
	const { key } = f;
	const dialog = page.getByRole("dialog");
	// Each action re-reads every subscription and its latest attempt: more than expect.poll's default second.
	const poll = <T>(read: () => Promise<T>, opts: { timeout?: number } = {}) =>
		expect.poll(read, { timeout: 10_000, ...opts });

	// A new source: its secret shown once, with where it goes at the provider.
	await page.getByRole("button", { name: "New source…" }).click();
	await dialog.getByLabel("Source id").fill("ccai-sales");
	await dialog.getByLabel("Provider").selectOption("cloudcontactai");
	await dialog.getByLabel("CCAI client id").fill("1231");
	await dialog.getByRole("button", { name: "Create source" }).click();
	const shown = dialog.getByLabel("Secret");
	await poll(() => shown.inputValue()).toMatch(/^[0-9a-f]{32,}$/);
	expect(await dialog.textContent()).toContain("CCAI's webhook integration settings");
	await shot(page, "console-new-source.png");
	await dialog.getByRole("button", { name: "I have stored it" }).click();
	const ccai = page.getByRole("row", { name: /ccai-sales/ });
	await poll(() => ccai.count()).toBe(1);
	const created = await call<{ provider: string; client_id: string }>(key, "GET", "/v1/sources/ccai-sales");
	expect(created).toMatchObject({ provider: "cloudcontactai", client_id: "1231" });
	// Edit it: a description and a secret of our own.
	await ccai.getByRole("button", { name: "Edit source ccai-sales" }).click();
	await dialog.getByLabel("Description").fill("Sales line");
	await dialog.getByLabel("Secret").fill("sales-secret");
	await dialog.getByRole("button", { name: "Save source" }).click();
	await poll(() => dialog.getByLabel("Secret").inputValue()).toBe("sales-secret");
	await dialog.getByRole("button", { name: "I have stored it" }).click();
	await poll(() => ccai.textContent()).toContain("Sales line");
	// Delete it.
	await ccai.getByRole("button", { name: "Delete source ccai-sales" }).click();
	await dialog.getByRole("button", { name: "Delete source" }).click();
	await poll(() => ccai.count()).toBe(0);
	await expect(call(key, "GET", "/v1/sources/ccai-sales")).rejects.toThrow(/404/);

	// A new subscription to a port where nothing listens: created, its secret shown once.
	await page.getByRole("link", { name: "Subscriptions" }).click();
	await page.getByRole("button", { name: "New subscription…" }).click();
	await dialog.getByLabel("URL").fill("http://127.0.0.1:9/nobody");
	await dialog.getByLabel("Description").fill("Nobody home");
	await dialog.getByLabel("Event types").fill("call.hangups");
	await dialog.getByLabel("Retry schedule").fill("600, 3600");
	await dialog.getByRole("button", { name: "Create subscription" }).click();
	// A mistyped event type is refused, with the closest known one.
	await poll(() => dialog.locator("#dialog-error").textContent()).toContain('did you mean "call.hangup"');
	await dialog.getByLabel("Event types").fill("call.hangup");
	await dialog.getByRole("button", { name: "Create subscription" }).click();
	await poll(() => dialog.getByLabel("Secret").inputValue()).toMatch(/^whsec_/);
	await dialog.getByRole("button", { name: "I have stored it" }).click();
	const nobody = page.getByRole("article", { name: "Nobody home" });
	await poll(() => nobody.count()).toBe(1);
	const subs = await call<{ data: { id: string; description?: string; retry_schedule?: number[] }[] }>(
		key,
		"GET",
		"/v1/subscriptions",
	);
	const nobodySub = subs.data.find((s) => s.description === "Nobody home");
	expect(nobodySub?.retry_schedule).toEqual([600, 3600]);

	// Its first delivery fails: the error in words, the next retry's time, and Retry now.
	await postCall(f.vb, "call_hungup", "call-3");
	await poll(() => nobody.textContent(), { timeout: 20_000 }).toContain(
		"connection refused or closed before an answer",
	);
	await poll(() => nobody.textContent()).toMatch(/Next retry.*event #\d+, attempt 1 failed/);
	const attempts = async () =>
		(await call<{ data: unknown[] }>(key, "GET", `/v1/subscriptions/${nobodySub?.id}/attempts`)).data.length;
	expect(await attempts()).toBe(1);
	await shot(page, "console-next-retry.png", true);
	await nobody.getByRole("button", { name: "Retry now" }).click();
	await poll(() => page.locator("#status").textContent()).toContain("Retrying event #");
	await poll(attempts, { timeout: 15_000 }).toBe(2);

	// Edit its URL, ordering (per key, with its in-flight cap), rate limit and retry schedule; then delete it.
	await nobody.getByRole("button", { name: "Edit…" }).click();
	await dialog.getByLabel("URL").fill("http://127.0.0.1:9/still-nobody");
	await dialog.getByLabel("Ordering", { exact: true }).selectOption("per_key");
	await dialog.getByLabel("Max in flight").fill("20");
	await dialog.getByLabel("Rate limit").fill("5");
	await dialog.getByLabel("Retry schedule").fill("60");
	await dialog.getByRole("button", { name: "Save subscription" }).click();
	await poll(() => nobody.textContent()).toContain("still-nobody");
	await poll(() => nobody.textContent()).toContain("at most 5/s");
	const edited = await call<{ url: string; ordering: string; retry_schedule: number[] }>(
		key,
		"GET",
		`/v1/subscriptions/${nobodySub?.id}`,
	);
	expect(edited).toMatchObject({
		url: "http://127.0.0.1:9/still-nobody",
		ordering: "per_key",
		ordering_key: "/subject",
		max_in_flight: 20,
		rate_limit_per_second: 5,
		retry_schedule: [60],
	});
	await nobody.getByRole("button", { name: "Delete…" }).click();
	await dialog.getByRole("button", { name: "Delete subscription" }).click();
	await poll(() => nobody.count()).toBe(0);
	await expect(call(key, "GET", `/v1/subscriptions/${nobodySub?.id}`)).rejects.toThrow(/404/);
}

describe("the console at /console", () => {
	it("signs in with a tenant key, shows deliveries and failures, redelivers, pauses and resumes", async () => {
		const url = server?.url ?? "";
		const { api_key: key } = await call<{ api_key: string }>(ADMIN, "POST", "/v1/tenants", { id: "acme" });
		const vb = await call<{ ingest_url: string; secret: string }>(key, "PUT", "/v1/sources/voipbin-main", {
			provider: "voipbin",
			secret: "copied-from-voipbin",
			description: "VoIPbin production",
		});
		await call(key, "PUT", "/v1/sources/rapidpro-flows", { provider: "rapidpro" });
		const sinkBase = `http://127.0.0.1:${sink.port}`;
		const ok = await call<{ id: string }>(key, "POST", "/v1/subscriptions", {
			url: `${sinkBase}/ok/console-ok`,
			description: "CRM sync",
		});
		const failing = await call<{ id: string }>(key, "POST", "/v1/subscriptions", {
			url: `${sinkBase}/status/500/console-bad`,
			description: "Billing (returns 500)",
			event_types: ["call.*"],
			retry_schedule: [600],
		});
		await postCall(vb, "call_created", "call-1");
		await postCall(vb, "call_hungup", "call-1");
		const received = async () => (await (await fetch(`${sinkBase}/_log/console-ok`)).json()) as unknown[];
		expect((await until(received, (r) => r.length >= 2)).length).toBe(2);

		const context = await browser?.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: "light" });
		if (!context) throw new Error("no browser");
		const page = await context.newPage();
		const outside: string[] = [];
		const problems: string[] = [];
		page.on("request", (r) => {
			if (!r.url().startsWith(url)) outside.push(r.url());
		});
		page.on("pageerror", (e) => problems.push(e.message));
		page.on("console", (m) => {
			// The wrong keys (401) and the mistyped event type (422) are answers the test asks for.
			if (m.type() === "error" && !/status of (401|422)/.test(m.text())) problems.push(m.text());
		});

		try {
			await drive(page, { url, key, vb, okId: ok.id, failingId: failing.id, received });
		} catch (err) {
			// What the browser showed when it went wrong (test-results/ is gitignored).
			mkdirSync("test-results", { recursive: true });
			await page.screenshot({ path: "test-results/console-failure.png", fullPage: true }).catch(() => {});
			console.error(`page at failure: ${page.url()}\n${(await page.textContent("body").catch(() => "")) ?? ""}`);
			throw err;
		}
		expect(outside, "everything the console loads comes from hookfan").toEqual([]);
		expect(problems).toEqual([]);
		await context.close();
	});
});
