/**
 * Sources: where each provider posts (the ingest URL to paste into the provider), how requests are
 * proven, how many events arrived in the last day, and the recent refusals (./refusals.js). Reads
 * GET /v1/sources, GET /v1/stats and GET /v1/sources/{id}/rejections.
 */
import { copy, h, replaceKeepingFocus } from "./dom.js";
import { refusalsSection } from "./refusals.js";

/** How a source's requests are proven, in words (the `verification` field; docs/providers.md). */
const PROOF = {
	signature: "Signature (HMAC)",
	token: "Shared token",
	basic_or_form: "Basic auth or form secret",
	basic: "Basic auth",
	form: "Form secret",
};

export function sourcesView(ctx, root) {
	const body = h("div", {});
	const refusals = refusalsSection(ctx);
	root.append(
		h("h1", { tabindex: "-1" }, "Sources"),
		h(
			"p",
			{ class: "lead" },
			"Give each provider its ingest URL and secret. Secrets are shown only when a source is created (PUT /v1/sources/{id}).",
		),
		body,
		refusals.element,
	);

	function row(source, events) {
		const url = h("input", {
			type: "text",
			readonly: true,
			value: source.ingest_url,
			class: "mono url-field",
			dataset: { key: `url-${source.id}` },
			"aria-label": `Ingest URL of ${source.id}`,
		});
		const button = h(
			"button",
			{
				type: "button",
				class: "secondary small",
				dataset: { key: `copy-${source.id}` },
				"aria-label": `Copy the ingest URL of ${source.id}`,
				onclick: async () => {
					const copied = await copy(source.ingest_url, url);
					ctx.announce(copied ? `Copied the ingest URL of ${source.id}.` : "Press Ctrl+C to copy the selected URL.");
				},
			},
			"Copy",
		);
		const proof = source.verification ?? "signature";
		return h(
			"tr",
			{},
			h(
				"th",
				{ scope: "row" },
				h("span", { class: "mono" }, source.id),
				source.description ? h("div", { class: "muted" }, source.description) : null,
			),
			h("td", {}, source.provider),
			h("td", {}, h("div", { class: "copy-row" }, url, button)),
			h("td", {}, PROOF[proof] ?? proof),
			h("td", { class: "num" }, String(events?.["24h"] ?? 0)),
		);
	}

	return {
		title: "Sources",
		async update() {
			const counts = new Map((ctx.stats?.sources ?? []).map((s) => [s.source, s.events]));
			if (ctx.sources.length === 0) {
				replaceKeepingFocus(
					body,
					h("p", { class: "empty" }, "No sources yet. Create one with PUT /v1/sources/{id} (see the README)."),
				);
				return;
			}
			replaceKeepingFocus(
				body,
				h(
					"table",
					{ class: "table sources" },
					h("caption", { class: "visually-hidden" }, "Sources"),
					h(
						"thead",
						{},
						h(
							"tr",
							{},
							h("th", { scope: "col" }, "Source"),
							h("th", { scope: "col" }, "Provider"),
							h("th", { scope: "col" }, "Ingest URL"),
							h("th", { scope: "col" }, "Proof"),
							h("th", { scope: "col", class: "num" }, "Events, 24 h"),
						),
					),
					h(
						"tbody",
						{},
						ctx.sources.map((s) => row(s, counts.get(s.id))),
					),
				),
			);
			await refusals.update(); // after the table, so a failed read leaves the table current
		},
	};
}
