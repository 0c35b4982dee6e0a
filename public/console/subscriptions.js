/**
 * Subscriptions: where events go and how delivery stands (status, backlog, last success and error in
 * words, the next retry, the day's success rate), with the actions a tenant needs: create, edit,
 * delete, pause, resume, retry now, replay, rotate the secret. Reads GET /v1/subscriptions/{id}
 * (state), its latest attempt and GET /v1/stats; acts through the same public API.
 */

import { mapLimit } from "./api.js";
import { successChart } from "./chart.js";
import { field, openDialog } from "./dialog.js";
import { badge, copy, deliveryBadge, h, ms, replaceKeepingFocus, time } from "./dom.js";
import { errorWords } from "./words.js";

export function subscriptionsView(ctx, root) {
	const body = h("div", { class: "cards" });
	root.append(
		h("h1", { tabindex: "-1" }, "Subscriptions"),
		h("p", { class: "lead" }, "Where events go, and how their delivery stands."),
		h(
			"div",
			{ class: "actions" },
			h(
				"button",
				{ type: "button", dataset: { key: "new-subscription" }, onclick: () => edit(null) },
				"New subscription…",
			),
		),
		body,
	);

	async function act(sub, action, message) {
		try {
			await ctx.api("POST", `/v1/subscriptions/${encodeURIComponent(sub.id)}/${action}`);
			ctx.announce(message);
			await ctx.refresh();
		} catch (err) {
			ctx.announce(`${action} failed: ${err.message}`, "error");
		}
	}

	/** Sends the waiting head event now: POST /v1/events/{id}/redeliver to this subscription (a fresh schedule). */
	async function retryNow(sub, waiting) {
		try {
			await ctx.api("POST", `/v1/events/${encodeURIComponent(waiting.event_id)}/redeliver`, {
				subscription_id: sub.id,
			});
			ctx.announce(`Retrying event #${waiting.sequence} to ${ctx.label(sub.id)} now.`);
			await ctx.refresh();
		} catch (err) {
			ctx.announce(`Retry failed: ${err.message}`, "error");
		}
	}

	function card(sub) {
		const state = sub.state;
		// The latest attempt, when it failed and planned another: the event waits for that time.
		const latest = sub.latestAttempt;
		const waiting =
			latest?.error && latest.next_attempt_at && state && state.head_sequence > state.cursor ? latest : null;
		const stats = ctx.stats?.subscriptions.find((s) => s.subscription_id === sub.id);
		const day = stats?.windows["24h"];
		const hour = stats?.windows["1h"];
		const titleId = `t-${sub.id}`;
		// Open deliveries, held ones included (head minus cursor would count events that never matched).
		const backlog = state ? state.backlog : null;
		const oldest = state?.oldest_open;
		const lastError = state?.last_error;
		const key = (name) => ({ key: `${name}-${sub.id}` });
		const paused = sub.status !== "active";
		const polling = sub.type === "polling";
		// Failing: the latest attempt outcome is an error (no success since the last error).
		const failing = Boolean(lastError && (!state.last_success_at || lastError.at > state.last_success_at));
		return h(
			"article",
			{
				class: `card status-${sub.status}${failing ? " failing" : ""}`,
				"aria-labelledby": titleId,
				dataset: { subscription: sub.id },
			},
			h(
				"div",
				{ class: "card-head" },
				h("h2", { id: titleId }, ctx.label(sub.id)),
				badge(sub.status),
				failing ? badge("failing") : null,
				h("span", { class: "tag" }, polling ? "polling" : sub.ordering),
			),
			// A polling subscription has no URL: its consumer pulls (GET /v1/subscriptions/{id}/poll).
			h(
				"p",
				{ class: "mono muted small-text" },
				sub.id,
				" · ",
				polling ? "polling (no URL: read with …/poll)" : sub.url,
			),
			h(
				"dl",
				{ class: "facts" },
				fact(
					"Filters",
					`types ${sub.event_types.join(", ")}; ${sub.sources ? `sources ${sub.sources.join(", ")}` : "every source"}`,
				),
				fact(
					"Backlog",
					backlog === null ? "—" : `${backlog} event${backlog === 1 ? "" : "s"}`,
					state ? `open deliveries; log head ${state.head_sequence}, cursor ${state.cursor}` : null,
				),
				// Only where it applies: the queue orderings' attempts in flight, per_key's waiting keys.
				!polling && sub.ordering !== "ordered" && state
					? fact(
							"In flight",
							`${state.in_flight} of ${sub.max_in_flight ?? 10}`,
							sub.ordering === "per_key"
								? `${state.backlog_keys ?? 0} key(s) waiting; key ${sub.ordering_key ?? "/subject"}`
								: null,
						)
					: null,
				sub.batch || sub.rate_limit_per_second
					? fact(
							"Pace",
							[
								sub.batch ? `batches of up to ${sub.batch.max_events}` : null,
								sub.rate_limit_per_second ? `at most ${sub.rate_limit_per_second}/s` : null,
							]
								.filter(Boolean)
								.join(" · "),
						)
					: null,
				fact(
					"Oldest open",
					oldest
						? h(
								"span",
								{},
								`#${oldest.sequence} `,
								deliveryBadge(oldest),
								oldest.next_attempt_at ? [" next attempt ", time(oldest.next_attempt_at)] : "",
								oldest.state === "held" ? " until resumed" : "",
							)
						: "none",
				),
				fact("Last success", state?.last_success_at ? time(state.last_success_at) : "never"),
				fact(
					"Last error",
					lastError
						? h(
								"span",
								{ class: "error-text" },
								`${errorWords(lastError.status, lastError.error)} · `,
								time(lastError.at),
							)
						: "none",
				),
				fact(
					"Next retry",
					waiting ? [time(waiting.next_attempt_at), " (", time(waiting.next_attempt_at, true), ")"] : "none waiting",
					waiting ? `event #${waiting.sequence}, attempt ${waiting.attempt} failed` : null,
				),
				fact(
					"24 h",
					day ? `${day.delivered} delivered · ${day.failed} failed · ${day.pending} open` : "—",
					day ? `deliveries of the ${day.accepted} events routed here in 24 h` : null,
				),
				fact(
					"Latency p50 / p99",
					hour ? `${ms(hour.latency_ms.p50)} / ${ms(hour.latency_ms.p99)} (1 h)` : "—",
					day ? `${ms(day.latency_ms.p50)} / ${ms(day.latency_ms.p99)} (24 h)` : null,
				),
			),
			stats ? successChart(stats.hourly) : null,
			h(
				"div",
				{ class: "actions" },
				polling
					? null
					: paused
						? h(
								"button",
								{
									type: "button",
									dataset: key("resume"),
									onclick: () => act(sub, "resume", `Resumed ${ctx.label(sub.id)}.`),
								},
								"Resume",
							)
						: h(
								"button",
								{
									type: "button",
									class: "secondary",
									dataset: key("pause"),
									onclick: () => act(sub, "pause", `Paused ${ctx.label(sub.id)}: events wait until you resume.`),
								},
								"Pause",
							),
				polling
					? null
					: h(
							"button",
							{ type: "button", class: "secondary", dataset: key("replay"), onclick: () => replay(sub) },
							"Replay…",
						),
				waiting && sub.ordering === "ordered" && sub.status === "active"
					? h("button", { type: "button", dataset: key("retry"), onclick: () => retryNow(sub, waiting) }, "Retry now")
					: null,
				h("button", { type: "button", class: "secondary", dataset: key("edit"), onclick: () => edit(sub) }, "Edit…"),
				polling
					? null
					: h(
							"button",
							{ type: "button", class: "secondary", dataset: key("rotate"), onclick: () => rotate(sub) },
							"Rotate secret…",
						),
				h(
					"button",
					{ type: "button", class: "secondary", dataset: key("delete"), onclick: () => remove(sub) },
					"Delete…",
				),
			),
		);
	}

	function replay(sub) {
		const sequence = h("input", { name: "since_sequence", type: "number", min: "1", inputmode: "numeric" });
		const since = h("input", { name: "since", type: "datetime-local", step: "1" });
		openDialog({
			title: `Replay to ${ctx.label(sub.id)}`,
			body: [
				h("p", {}, "Matching events are sent again, in sequence order. Give a sequence or a time (your local time)."),
				field("From sequence", sequence, sub.state ? `The head is at ${sub.state.head_sequence}.` : null),
				field("Or from time", since),
			],
			submitLabel: "Replay",
			onSubmit: async () => {
				if ((sequence.value === "") === (since.value === "")) throw new Error("Give either a sequence or a time.");
				const payload =
					sequence.value !== ""
						? { since_sequence: Number(sequence.value) }
						: { since: new Date(since.value).toISOString() };
				const { replayed } = await ctx.api("POST", `/v1/subscriptions/${encodeURIComponent(sub.id)}/replay`, payload);
				ctx.announce(`Replaying ${replayed} event${replayed === 1 ? "" : "s"} to ${ctx.label(sub.id)}.`);
				void ctx.refresh();
			},
		});
	}

	/** The signing secret, shown once (after a creation or a rotation). */
	function secretStep(title, secret) {
		const value = h("input", {
			type: "text",
			readonly: true,
			value: secret,
			class: "mono url-field",
			id: "new-secret",
		});
		return {
			title,
			body: [
				h("p", { class: "warning" }, "Shown only now: store it with the subscriber before you close this."),
				field("Secret", value),
				h(
					"button",
					{
						type: "button",
						class: "secondary small",
						onclick: async () =>
							ctx.announce((await copy(secret, value)) ? "Copied the secret." : "Press Ctrl+C to copy it."),
					},
					"Copy secret",
				),
			],
			doneLabel: "I have stored it",
		};
	}

	/**
	 * Creates (sub null) or changes a subscription: URL, filters, ordering (with its key, in-flight cap
	 * or batch), rate limit, retry schedule. The API refuses combinations that do not fit (a batch on a
	 * per_key subscription): its 422 shows in the dialog.
	 */
	function edit(sub) {
		const url = h("input", { name: "url", type: "url", value: sub?.url ?? "", class: "mono", required: true });
		const description = h("input", { name: "description", type: "text", value: sub?.description ?? "" });
		const types = h("input", {
			name: "event_types",
			type: "text",
			value: (sub?.event_types ?? ["*"]).join(", "),
			class: "mono",
		});
		const boxes = ctx.sources.map((s) =>
			h(
				"label",
				{ class: "check" },
				h("input", { type: "checkbox", name: "sources", value: s.id, checked: sub?.sources?.includes(s.id) }),
				` ${s.id} `,
				h("span", { class: "muted" }, `(${s.provider})`),
			),
		);
		const ordering = h(
			"select",
			{ name: "ordering" },
			["ordered", "per_key", "unordered"].map((o) =>
				h("option", { value: o, selected: (sub?.ordering ?? "ordered") === o }, o),
			),
		);
		const number = (name, value, min, max) =>
			h("input", { name, type: "number", min, max, value: value ?? "", inputmode: "numeric" });
		const orderingKey = h("input", {
			name: "ordering_key",
			type: "text",
			value: sub?.ordering_key ?? "/subject",
			class: "mono",
		});
		const inFlight = number("max_in_flight", sub?.max_in_flight, 1, 100);
		const rate = number("rate_limit_per_second", sub?.rate_limit_per_second, 1, 1000);
		const batchEvents = number("batch_max_events", sub?.batch?.max_events, 1, 100);
		const batchWait = number("batch_max_wait_ms", sub?.batch?.max_wait_ms, 0, 10000);
		const keyField = field("Ordering key", orderingKey, "per_key: a JSON Pointer into the envelope; default /subject.");
		const inFlightField = field(
			"Max in flight",
			inFlight,
			"per_key and unordered: attempts at once (1-100, default 10).",
		);
		const batchField = h(
			"div",
			{},
			field(
				"Batch: events at most",
				batchEvents,
				"ordered only: send up to this many events as one JSON array. Empty: one event per request.",
			),
			field("Batch: longest wait (ms)", batchWait, "How long the oldest event may wait for the batch to fill."),
		);
		const syncOrdering = () => {
			keyField.hidden = ordering.value !== "per_key";
			inFlightField.hidden = ordering.value === "ordered";
			batchField.hidden = ordering.value !== "ordered";
		};
		ordering.addEventListener("change", syncOrdering);
		syncOrdering();
		const schedule = h("input", {
			name: "retry_schedule",
			type: "text",
			value: sub?.retry_schedule?.join(", ") ?? "",
			class: "mono",
			inputmode: "numeric",
		});
		const exhausted = h(
			"select",
			{ name: "on_exhausted" },
			[
				["dead_letter", "give up on the event (dead letter) and go on"],
				["pause", "pause the subscription"],
			].map(([v, text]) => h("option", { value: v, selected: (sub?.on_exhausted ?? "dead_letter") === v }, text)),
		);
		openDialog({
			title: sub ? `Edit ${ctx.label(sub.id)}` : "New subscription",
			body: [
				field("URL", url, "Where hookfan POSTs each event, signed with the subscription's whsec_ secret."),
				field("Description", description),
				field("Event types", types, "Comma-separated: *, call.*, message.received …"),
				h(
					"fieldset",
					{},
					h("legend", {}, "Only from these sources (none checked: every source)"),
					boxes.length ? boxes : h("p", { class: "muted" }, "No sources yet."),
				),
				field(
					"Ordering",
					ordering,
					"ordered: one at a time, in sequence; per_key: in sequence per key (a conversation, a call), keys in parallel; unordered: in parallel, fastest.",
				),
				keyField,
				inFlightField,
				batchField,
				field("Rate limit", rate, "Attempts per second at most, across everything. Empty: no limit."),
				field(
					"Retry schedule",
					schedule,
					"Seconds between retries, comma-separated (30, 300, 3600). Empty: the default schedule.",
				),
				field("When retries run out", exhausted),
			],
			submitLabel: sub ? "Save subscription" : "Create subscription",
			onSubmit: async (form) => {
				const eventTypes = types.value
					.split(/[\s,]+/)
					.map((t) => t.trim())
					.filter(Boolean);
				if (eventTypes.length === 0) throw new Error("Give at least one event type (* for all).");
				const retries = schedule.value
					.split(/[\s,]+/)
					.filter(Boolean)
					.map(Number);
				if (retries.some((n) => !Number.isInteger(n) || n < 1))
					throw new Error("The retry schedule is whole seconds, separated by commas.");
				const sources = form.getAll("sources");
				const int = (input) => (input.value === "" ? undefined : Number(input.value));
				const mode = ordering.value;
				const payload = {
					url: url.value.trim(),
					event_types: eventTypes,
					ordering: mode,
					on_exhausted: exhausted.value,
					...(description.value ? { description: description.value } : {}),
					...(retries.length ? { retry_schedule: retries } : {}),
					...(mode === "per_key" ? { ordering_key: orderingKey.value.trim() || "/subject" } : {}),
					...(mode !== "ordered" && int(inFlight) !== undefined ? { max_in_flight: int(inFlight) } : {}),
					...(int(rate) !== undefined ? { rate_limit_per_second: int(rate) } : {}),
					...(mode === "ordered" && int(batchEvents) !== undefined
						? { batch: { max_events: int(batchEvents), max_wait_ms: int(batchWait) ?? 0 } }
						: {}),
				};
				if (sub) {
					await ctx.api("PATCH", `/v1/subscriptions/${encodeURIComponent(sub.id)}`, {
						...payload,
						sources: sources.length ? sources : null,
					});
					ctx.announce(`Saved ${ctx.label(sub.id)}.`);
					void ctx.refresh();
					return undefined;
				}
				const created = await ctx.api("POST", "/v1/subscriptions", {
					...payload,
					...(sources.length ? { sources } : {}),
				});
				ctx.announce(`Created ${created.description ?? created.id}.`);
				void ctx.refresh();
				return secretStep(`${created.description ?? created.id} is ready`, created.secret);
			},
		});
	}

	function remove(sub) {
		openDialog({
			title: `Delete ${ctx.label(sub.id)}?`,
			body: h(
				"p",
				{},
				`Nothing more is delivered to ${sub.url}, including events still waiting. This cannot be undone.`,
			),
			submitLabel: "Delete subscription",
			onSubmit: async () => {
				await ctx.api("DELETE", `/v1/subscriptions/${encodeURIComponent(sub.id)}`);
				ctx.announce(`Deleted ${ctx.label(sub.id)}.`);
				void ctx.refresh();
			},
		});
	}

	function rotate(sub) {
		openDialog({
			title: "Rotate the signing secret?",
			body: h(
				"p",
				{},
				`${ctx.label(sub.id)} gets a new whsec_ secret. For 24 hours deliveries are signed with both the new and the old one, so the subscriber can switch over.`,
			),
			submitLabel: "Rotate secret",
			onSubmit: async () => {
				const { secret } = await ctx.api("POST", `/v1/subscriptions/${encodeURIComponent(sub.id)}/rotate-secret`);
				return secretStep("New signing secret", secret);
			},
		});
	}

	return {
		title: "Subscriptions",
		async update() {
			const subs = [...ctx.subscriptions.values()];
			if (subs.length === 0) {
				replaceKeepingFocus(
					body,
					h(
						"p",
						{ class: "empty" },
						"No subscriptions yet. Create one with New subscription… (or POST /v1/subscriptions).",
					),
				);
				return;
			}
			// The list has no delivery state; each subscription's GET does, and its latest attempt says
			// whether the head event waits for a retry.
			const detailed = await mapLimit(subs, 6, async (s) => {
				const id = encodeURIComponent(s.id);
				const [full, attempts] = await Promise.all([
					ctx.api("GET", `/v1/subscriptions/${id}`).catch(() => s),
					ctx.api("GET", `/v1/subscriptions/${id}/attempts?limit=1`).catch(() => null),
				]);
				return { ...full, latestAttempt: attempts?.data?.[0] ?? null };
			});
			replaceKeepingFocus(body, detailed.map(card));
		},
	};
}

function fact(label, value, sub) {
	return h(
		"div",
		{ class: "fact" },
		h("dt", {}, label),
		h("dd", {}, value, sub ? h("span", { class: "sub" }, sub) : null),
	);
}
