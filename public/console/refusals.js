/**
 * The sources view's "Recent refusals": per source, the latest requests hookfan refused, why, and
 * what to check (GET /v1/sources/{id}/rejections). The provider only ever saw a bare 401 (or 400,
 * 405, 413, 415); this is where the tenant sees the reason. Records hold header names, never values,
 * bodies or secrets, and everything is put in the page as text.
 */
import { mapLimit } from "./api.js";
import { h, replaceKeepingFocus, time } from "./dom.js";

/** Sources read per refresh: each is one call, so a tenant with many sources sees the first ones. */
const MAX_SOURCES = 20;
const PER_SOURCE = 5;

/** A rejection's reason-specific facts in words. */
function detailText(detail = {}) {
	const parts = [];
	if (detail.skew_seconds !== undefined) {
		const s = detail.skew_seconds;
		parts.push(s > 0 ? `timestamp ${s} s in the future` : `timestamp ${-s} s in the past`);
	}
	if (detail.expected) parts.push(`expected ${detail.expected}`);
	if (detail.issues?.length) parts.push(detail.issues.join(", "));
	if (detail.message) parts.push(detail.message);
	if (detail.limit_bytes !== undefined) parts.push(`limit ${detail.limit_bytes} bytes`);
	return parts.join("; ");
}

function requestText(r) {
	const size = r.body_bytes === null ? "size unknown" : `${r.body_bytes} B`;
	return [r.method, r.content_type, size, r.user_agent].filter(Boolean).join(" · ");
}

function sourceBlock(id, page) {
	const { total, by_reason: byReason, since } = page.counts;
	const reasons = Object.entries(byReason)
		.map(([reason, n]) => `${reason} ${n}`)
		.join(", ");
	return h(
		"div",
		{ class: "refusals-source" },
		h(
			"h3",
			{},
			h("span", { class: "mono" }, id),
			` · ${total} refused since `,
			time(since),
			h("span", { class: "muted" }, ` (${reasons})`),
		),
		h(
			"table",
			{ class: "table refusals" },
			h("caption", { class: "visually-hidden" }, `Recent refusals of ${id}`),
			h(
				"thead",
				{},
				h(
					"tr",
					{},
					h("th", { scope: "col" }, "Time"),
					h("th", { scope: "col" }, "Reason"),
					h("th", { scope: "col" }, "What to check"),
					h("th", { scope: "col" }, "Request"),
				),
			),
			h(
				"tbody",
				{},
				page.data.map((r) =>
					h(
						"tr",
						{},
						h("td", {}, time(r.at)),
						h(
							"th",
							{ scope: "row" },
							h("span", { class: "mono" }, r.reason),
							detailText(r.detail) ? h("div", { class: "muted" }, detailText(r.detail)) : null,
						),
						h("td", {}, r.hint),
						h(
							"td",
							{},
							requestText(r),
							h("div", { class: "muted small" }, `headers: ${r.header_names.join(", ") || "none"}`),
						),
					),
				),
			),
		),
	);
}

/** The section: `element` to place in the view, `update()` to re-read it with the sources in `ctx`. */
export function refusalsSection(ctx) {
	const body = h("div", {});
	const element = h(
		"section",
		{ class: "refusals", "aria-labelledby": "refusals-heading" },
		h("h2", { id: "refusals-heading" }, "Recent refusals"),
		h(
			"p",
			{ class: "lead" },
			"Requests hookfan refused, and why: the provider only saw the status code. Bodies, secrets and signatures are never kept.",
		),
		body,
	);
	return {
		element,
		async update() {
			const sources = ctx.sources.slice(0, MAX_SOURCES);
			const pages = await mapLimit(sources, 4, (s) =>
				ctx.api("GET", `/v1/sources/${encodeURIComponent(s.id)}/rejections?limit=${PER_SOURCE}`),
			);
			const blocks = sources.map((s, i) => (pages[i].counts.total > 0 ? sourceBlock(s.id, pages[i]) : null));
			const shown = blocks.filter(Boolean);
			replaceKeepingFocus(body, shown.length ? shown : h("p", { class: "empty" }, "No refused requests."));
		},
	};
}
