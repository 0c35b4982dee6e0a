/**
 * Subscriptions: where events go and how delivery stands (status, backlog, last success and error,
 * the day's success rate), with the actions a tenant needs: pause, resume, replay, rotate the secret,
 * edit filters. Reads GET /v1/subscriptions/{id} (state) and GET /v1/stats; acts through the same API.
 */

import { mapLimit } from "./api.js";
import { successChart } from "./chart.js";
import { field, openDialog } from "./dialog.js";
import { badge, copy, h, ms, replaceKeepingFocus, time } from "./dom.js";

export function subscriptionsView(ctx, root) {
	const body = h("div", { class: "cards" });
	root.append(
		h("h1", { tabindex: "-1" }, "Subscriptions"),
		h("p", { class: "lead" }, "Create them with POST /v1/subscriptions; manage delivery here."),
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

	function card(sub) {
		const state = sub.state;
		const stats = ctx.stats?.subscriptions.find((s) => s.subscription_id === sub.id);
		const day = stats?.windows["24h"];
		const hour = stats?.windows["1h"];
		const titleId = `t-${sub.id}`;
		const backlog = state ? state.head_sequence - state.cursor : null;
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
					state ? `head ${state.head_sequence}, cursor ${state.cursor}` : null,
				),
				fact("Last success", state?.last_success_at ? time(state.last_success_at) : "never"),
				fact(
					"Last error",
					lastError
						? h(
								"span",
								{ class: "error-text" },
								`${lastError.status ?? "no answer"} ${lastError.error ?? ""} · `,
								time(lastError.at),
							)
						: "none",
				),
				fact(
					"24 h",
					day ? `${day.delivered} delivered · ${day.failed} failed · ${day.pending} pending` : "—",
					day ? `${day.accepted} events routed here` : null,
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
				h(
					"button",
					{ type: "button", class: "secondary", dataset: key("filters"), onclick: () => editFilters(sub) },
					"Edit filters…",
				),
				polling
					? null
					: h(
							"button",
							{ type: "button", class: "secondary", dataset: key("rotate"), onclick: () => rotate(sub) },
							"Rotate secret…",
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

	function editFilters(sub) {
		const types = h("input", { name: "event_types", type: "text", value: sub.event_types.join(", "), class: "mono" });
		const boxes = ctx.sources.map((s) =>
			h(
				"label",
				{ class: "check" },
				h("input", { type: "checkbox", name: "sources", value: s.id, checked: sub.sources?.includes(s.id) }),
				` ${s.id} `,
				h("span", { class: "muted" }, `(${s.provider})`),
			),
		);
		openDialog({
			title: `Filters of ${ctx.label(sub.id)}`,
			body: [
				field("Event types", types, "Comma-separated: *, call.*, message.received …"),
				h(
					"fieldset",
					{},
					h("legend", {}, "Only from these sources (none checked: every source)"),
					boxes.length ? boxes : h("p", { class: "muted" }, "No sources yet."),
				),
			],
			submitLabel: "Save filters",
			onSubmit: async (form) => {
				const eventTypes = types.value
					.split(/[\s,]+/)
					.map((t) => t.trim())
					.filter(Boolean);
				if (eventTypes.length === 0) throw new Error("Give at least one event type (* for all).");
				const sources = form.getAll("sources");
				await ctx.api("PATCH", `/v1/subscriptions/${encodeURIComponent(sub.id)}`, {
					event_types: eventTypes,
					sources: sources.length ? sources : null,
				});
				ctx.announce(`Saved the filters of ${ctx.label(sub.id)}.`);
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
				const value = h("input", {
					type: "text",
					readonly: true,
					value: secret,
					class: "mono url-field",
					id: "new-secret",
				});
				return {
					title: "New signing secret",
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
					h("p", { class: "empty" }, "No subscriptions yet. Create one with POST /v1/subscriptions."),
				);
				return;
			}
			// The list has no delivery state; each subscription's GET does.
			const detailed = await mapLimit(subs, 6, (s) =>
				ctx.api("GET", `/v1/subscriptions/${encodeURIComponent(s.id)}`).catch(() => s),
			);
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
