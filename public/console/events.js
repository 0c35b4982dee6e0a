/**
 * Events: the live list (GET /v1/events, with each event's per-subscription state from
 * GET /v1/events/{id}), filtered by type and source; and one event's page: its envelope beside the
 * provider's raw payload, its delivery attempts as a timeline, and redelivery.
 */
import { mapLimit } from "./api.js";
import { badge, deliveryBadge, h, replaceKeepingFocus, time } from "./dom.js";
import { errorWords } from "./words.js";

const PAGE = 25;
/** Delivery states that can still change by themselves (src/schema/read-models.ts lists them all). */
const OPEN = new Set(["retrying", "waiting", "queued", "in_flight"]);
/** Finished events' states are re-read this rarely (a redelivery from elsewhere reopens them). */
const SETTLED_TTL_MS = 60_000;

const eventHref = (id) => `#/events/${encodeURIComponent(id)}`;

export function eventsView(ctx, root) {
	const filters = { type: "", source: "" };
	let limit = PAGE;
	let live = true;
	const detail = new Map(); // event id -> { deliveries, at }
	const seenTypes = new Set();

	const typeInput = h("input", { id: "filter-type", name: "type", type: "text", list: "event-types", class: "mono" });
	const typeList = h("datalist", { id: "event-types" });
	const sourceSelect = h("select", { id: "filter-source", name: "source" });
	const liveButton = h(
		"button",
		{ type: "button", class: "secondary small", "aria-pressed": "true", onclick: () => toggleLive() },
		"Live updates on",
	);
	const list = h("div", {});
	const more = h("div", { class: "more" });

	root.append(
		h("div", { class: "title-row" }, h("h1", { tabindex: "-1" }, "Events"), liveButton),
		h(
			"form",
			{
				class: "filters",
				role: "search",
				"aria-label": "Filter events",
				onsubmit: (e) => {
					e.preventDefault();
					filters.type = typeInput.value.trim();
					filters.source = sourceSelect.value;
					limit = PAGE;
					void update();
				},
			},
			h("div", { class: "field" }, h("label", { for: "filter-type" }, "Type"), typeInput, typeList),
			h("div", { class: "field" }, h("label", { for: "filter-source" }, "Source"), sourceSelect),
			h("button", { type: "submit" }, "Filter"),
			h(
				"button",
				{
					type: "button",
					class: "secondary",
					onclick: () => {
						typeInput.value = "";
						sourceSelect.value = "";
						filters.type = "";
						filters.source = "";
						void update();
					},
				},
				"Clear",
			),
		),
		list,
		more,
	);

	function toggleLive() {
		live = !live;
		liveButton.setAttribute("aria-pressed", String(live));
		liveButton.textContent = live ? "Live updates on" : "Live updates paused";
		if (live) void update();
	}

	function syncSources() {
		const ids = ctx.sources.map((s) => s.id);
		const current = [...sourceSelect.options].map((o) => o.value).slice(1);
		if (current.join() === ids.join() && sourceSelect.options.length) return;
		const chosen = sourceSelect.value;
		sourceSelect.replaceChildren(
			h("option", { value: "" }, "All sources"),
			ids.map((id) => h("option", { value: id }, id)),
		);
		sourceSelect.value = ids.includes(chosen) ? chosen : "";
	}

	async function loadStates(events) {
		const now = Date.now();
		const stale = events.filter((e) => {
			const known = detail.get(e.id);
			return !known || known.deliveries.some((d) => OPEN.has(d.state)) || now - known.at > SETTLED_TTL_MS;
		});
		await mapLimit(stale, 4, async (e) => {
			try {
				const got = await ctx.api("GET", `/v1/events/${encodeURIComponent(e.id)}`);
				detail.set(e.id, { deliveries: got.deliveries, at: Date.now() });
			} catch {
				// pruned or unreachable: keep what we had
			}
		});
	}

	function deliveryList(event) {
		const known = detail.get(event.id);
		if (!known) return h("span", { class: "muted" }, "…");
		if (known.deliveries.length === 0) return h("span", { class: "muted" }, "no subscription matched");
		return h(
			"ul",
			{ class: "deliveries" },
			known.deliveries.map((d) =>
				h(
					"li",
					{},
					deliveryBadge(d),
					" ",
					h("span", { class: "sub-label" }, ctx.label(d.subscription_id)),
					d.state !== "delivered" && d.last_status !== null
						? h("span", { class: "muted" }, ` (last ${d.last_status})`)
						: null,
				),
			),
		);
	}

	async function update() {
		syncSources();
		const query = new URLSearchParams({ limit: String(limit) });
		if (filters.type) query.set("type", filters.type);
		if (filters.source) query.set("source", filters.source);
		let page;
		try {
			page = await ctx.api("GET", `/v1/events?${query}`);
		} catch (err) {
			replaceKeepingFocus(list, h("p", { class: "error" }, `Could not list events: ${err.message}`));
			return;
		}
		// A new event moved the head: the totals above should count it now, not at the next shared refresh.
		if ((page.data[0]?.sequence ?? 0) > (ctx.stats?.head_sequence ?? 0)) await ctx.reloadShared();
		await loadStates(page.data);
		for (const e of page.data) seenTypes.add(e.type);
		typeList.replaceChildren(...[...seenTypes].sort().map((t) => h("option", { value: t })));
		if (page.data.length === 0) {
			const filtered = filters.type || filters.source;
			replaceKeepingFocus(
				list,
				h(
					"p",
					{ class: "empty" },
					filtered ? "No events match these filters." : "No events yet. Post a webhook to a source's ingest URL.",
				),
			);
		} else {
			replaceKeepingFocus(
				list,
				h(
					"table",
					{ class: "table events" },
					h("caption", { class: "visually-hidden" }, "Events, newest first"),
					h(
						"thead",
						{},
						h(
							"tr",
							{},
							h("th", { scope: "col", class: "num" }, "#"),
							h("th", { scope: "col" }, "Type"),
							h("th", { scope: "col" }, "Source"),
							h("th", { scope: "col" }, "Received"),
							h("th", { scope: "col" }, "Deliveries"),
						),
					),
					h(
						"tbody",
						{},
						page.data.map((e) =>
							h(
								"tr",
								{ dataset: { event: e.id } },
								h("td", { class: "num" }, String(e.sequence)),
								h(
									"th",
									{ scope: "row" },
									h("a", { href: eventHref(e.id), dataset: { key: `ev-${e.id}` }, class: "mono" }, e.type),
								),
								h("td", {}, e.source),
								h("td", {}, time(e.received_at)),
								h("td", {}, deliveryList(e)),
							),
						),
					),
				),
			);
		}
		more.replaceChildren(
			page.next_cursor && limit < 200
				? h(
						"button",
						{
							type: "button",
							class: "secondary",
							onclick: () => {
								limit = Math.min(200, limit + PAGE);
								void update();
							},
						},
						"Show older events",
					)
				: [],
		);
	}

	return {
		title: "Events",
		live: true,
		async update() {
			if (live) await update();
		},
	};
}

export function eventDetailView(ctx, root, id) {
	const head = h("div", {});
	const deliveries = h("section", { "aria-labelledby": "deliveries-title" });
	const timeline = h("section", { "aria-labelledby": "attempts-title" });
	const payloads = h("div", { class: "side-by-side" });
	let rendered = false;
	let attemptsSeen = -1;

	root.append(h("p", {}, h("a", { href: "#/events" }, "← All events")), head, deliveries, timeline, payloads);

	async function redeliver(subscriptionId) {
		try {
			const body = subscriptionId ? { subscription_id: subscriptionId } : {};
			const { subscriptions } = await ctx.api("POST", `/v1/events/${encodeURIComponent(id)}/redeliver`, body);
			ctx.announce(
				subscriptions.length
					? `Redelivery queued to ${subscriptions.map((s) => ctx.label(s)).join(", ")}.`
					: "No subscription matches this event: nothing to redeliver.",
			);
			// The attempt is made within a moment: show it, and the totals, without waiting for the next tick.
			await ctx.refresh();
			setTimeout(() => void ctx.refresh(), 1500);
		} catch (err) {
			ctx.announce(`Redeliver failed: ${err.message}`, "error");
		}
	}

	function renderOnce(envelope) {
		const { raw, ...rest } = envelope;
		replaceKeepingFocus(
			head,
			h("h1", { tabindex: "-1" }, h("span", { class: "mono" }, envelope.type)),
			h(
				"dl",
				{ class: "meta" },
				meta("Event", h("span", { class: "mono" }, envelope.id)),
				meta("Sequence", String(envelope.sequence)),
				meta("Source", `${envelope.source} (${envelope.provider}, ${envelope.provider_type})`),
				meta("Received", time(envelope.received_at)),
				// The provider may not say when it happened: that is unknown, not "never".
				meta("Occurred", envelope.occurred_at ? time(envelope.occurred_at) : h("span", { class: "muted" }, "unknown")),
			),
			h(
				"div",
				{ class: "actions" },
				h(
					"button",
					{ type: "button", dataset: { key: "redeliver-all" }, onclick: () => redeliver() },
					"Redeliver to every matching subscription",
				),
			),
		);
		payloads.replaceChildren(
			code("envelope-title", "Envelope", "What subscribers receive (without raw)", rest),
			code("raw-title", "Raw payload", "As the provider sent it", raw),
		);
	}

	function renderState(event) {
		replaceKeepingFocus(
			deliveries,
			h("h2", { id: "deliveries-title" }, "Deliveries"),
			event.deliveries.length === 0
				? h("p", { class: "empty" }, "No subscription matched this event.")
				: h(
						"table",
						{ class: "table" },
						h(
							"thead",
							{},
							h(
								"tr",
								{},
								["Subscription", "State", "Attempts this round", "Last status", "Last error", "Next attempt", ""].map(
									(c) => h("th", { scope: "col" }, c),
								),
							),
						),
						h(
							"tbody",
							{},
							event.deliveries.map((d) =>
								h(
									"tr",
									{ dataset: { subscription: d.subscription_id } },
									h("th", { scope: "row" }, ctx.label(d.subscription_id)),
									h("td", {}, deliveryBadge(d)),
									h("td", { class: "num" }, String(d.attempts)),
									h("td", {}, d.last_status === null ? "—" : String(d.last_status)),
									h("td", {}, d.last_error ? errorWords(d.last_status, d.last_error) : "—"),
									h("td", {}, d.next_attempt_at ? time(d.next_attempt_at) : "—"),
									h(
										"td",
										{},
										h(
											"button",
											{
												type: "button",
												class: "secondary small",
												dataset: { key: `redeliver-${d.subscription_id}` },
												"aria-label": `Redeliver to ${ctx.label(d.subscription_id)}`,
												onclick: () => redeliver(d.subscription_id),
											},
											"Redeliver",
										),
									),
								),
							),
						),
					),
		);
		replaceKeepingFocus(
			timeline,
			h("h2", { id: "attempts-title" }, `Attempts (${event.attempts.length})`),
			event.attempts.length === 0
				? h("p", { class: "empty" }, "No attempts yet.")
				: h("ol", { class: "timeline" }, event.attempts.map(attemptItem)),
		);
	}

	function attemptItem(a) {
		const ok = a.error === null;
		return h(
			"li",
			{ class: ok ? "ok" : "fail", dataset: { attempt: String(a.id) } },
			h("span", { class: "dot", "aria-hidden": "true" }),
			h(
				"div",
				{},
				h(
					"div",
					{ class: "attempt-head" },
					time(a.at),
					" · ",
					h("strong", {}, ctx.label(a.subscription_id)),
					` · attempt ${a.attempt}`,
				),
				h(
					"div",
					{},
					badge(ok ? "delivered" : "failed", a.status === null ? "no answer" : `HTTP ${a.status}`),
					` ${a.latency_ms} ms`,
					a.error ? ` · ${errorWords(a.status, a.error)}` : "",
					a.next_attempt_at ? [" · next retry ", time(a.next_attempt_at)] : "",
				),
			),
		);
	}

	async function update() {
		let event;
		try {
			event = await ctx.api("GET", `/v1/events/${encodeURIComponent(id)}`);
		} catch (err) {
			head.replaceChildren(
				h("h1", { tabindex: "-1" }, "Event not found"),
				h("p", { class: "error" }, err.status === 404 ? `No event ${id} in this tenant.` : err.message),
			);
			return;
		}
		if (!rendered) {
			renderOnce(event.envelope);
			rendered = true;
		}
		// A new attempt changes the totals too: re-read them now rather than at the next shared refresh.
		if (attemptsSeen >= 0 && event.attempts.length !== attemptsSeen) await ctx.reloadShared();
		attemptsSeen = event.attempts.length;
		renderState(event);
	}

	return { title: `Event ${id}`, live: true, update };
}

function meta(label, value) {
	return h("div", {}, h("dt", {}, label), h("dd", {}, value));
}

function code(titleId, title, hint, value) {
	return h(
		"section",
		{ class: "code", "aria-labelledby": titleId },
		h("h2", { id: titleId }, title, " ", h("span", { class: "muted small-text" }, hint)),
		h("pre", { tabindex: "0", "aria-labelledby": titleId }, JSON.stringify(value, null, 2)),
	);
}
