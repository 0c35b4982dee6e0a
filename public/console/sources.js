/**
 * Sources: where each provider posts (the ingest URL to paste into the provider), how requests are
 * proven, how many events arrived in the last day, and the recent refusals (./refusals.js); create,
 * edit and delete them. Reads GET /v1/sources, GET /v1/stats and GET /v1/sources/{id}/rejections;
 * writes with PUT and DELETE /v1/sources/{id}.
 */
import { field, openDialog } from "./dialog.js";
import { copy, h, replaceKeepingFocus } from "./dom.js";
import { refusalsSection } from "./refusals.js";
import { PROVIDERS } from "./words.js";

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
			"Give each provider its ingest URL and secret. A secret is shown only when it is set, once.",
		),
		h(
			"div",
			{ class: "actions" },
			h("button", { type: "button", dataset: { key: "new-source" }, onclick: () => edit(null) }, "New source…"),
		),
		body,
		refusals.element,
	);

	/** The secret, shown once, with where it goes at the provider. */
	function secretStep(source) {
		const secret = h("input", { type: "text", readonly: true, value: source.secret, class: "mono url-field" });
		const url = h("input", { type: "text", readonly: true, value: source.ingest_url, class: "mono url-field" });
		return {
			title: `Source ${source.id} is ready`,
			body: [
				h("p", { class: "warning" }, "The secret is shown only now: give it to the provider before you close this."),
				field("Ingest URL", url),
				field("Secret", secret),
				h(
					"button",
					{
						type: "button",
						class: "secondary small",
						onclick: async () =>
							ctx.announce((await copy(source.secret, secret)) ? "Copied the secret." : "Press Ctrl+C to copy it."),
					},
					"Copy secret",
				),
				h("p", { class: "hint" }, PROVIDERS[source.provider]?.hint ?? ""),
			],
			doneLabel: "I have stored it",
		};
	}

	/** Creates (existing null) or replaces a source. A PUT sets a secret: the one given, or a new one. */
	function edit(existing) {
		const id = h("input", {
			name: "id",
			type: "text",
			value: existing?.id ?? "",
			class: "mono",
			readonly: Boolean(existing),
		});
		const provider = h(
			"select",
			{ name: "provider", disabled: Boolean(existing) },
			Object.entries(PROVIDERS).map(([value, p]) =>
				h("option", { value, selected: (existing?.provider ?? "voipbin") === value }, p.name),
			),
		);
		const clientId = h("input", { name: "client_id", type: "text", value: existing?.client_id ?? "" });
		const clientField = field(
			"CCAI client id",
			clientId,
			"Required for CloudContactAI: it is part of what CCAI signs.",
		);
		const description = h("input", { name: "description", type: "text", value: existing?.description ?? "" });
		const secret = h("input", { name: "secret", type: "text", class: "mono", autocomplete: "off" });
		const hint = h("p", { class: "hint" });
		const sync = () => {
			clientField.hidden = !PROVIDERS[provider.value]?.clientId;
			hint.textContent = PROVIDERS[provider.value]?.hint ?? "";
		};
		provider.addEventListener("change", sync);
		sync();
		openDialog({
			title: existing ? `Edit source ${existing.id}` : "New source",
			body: [
				field("Source id", id, existing ? null : "Lowercase letters, digits and dashes; part of the ingest URL."),
				field("Provider", provider),
				hint,
				clientField,
				field("Description", description),
				field(
					"Secret",
					secret,
					existing
						? "Saving sets a secret: the one you give here, or a new one when empty. The provider must then use it."
						: "Empty: hookfan generates one.",
				),
			],
			submitLabel: existing ? "Save source" : "Create source",
			onSubmit: async () => {
				if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(id.value))
					throw new Error("The source id is lowercase letters, digits and dashes.");
				const payload = { provider: provider.value };
				if (description.value) payload.description = description.value;
				if (secret.value) payload.secret = secret.value;
				if (PROVIDERS[provider.value]?.clientId) payload.client_id = clientId.value;
				const saved = await ctx.api("PUT", `/v1/sources/${encodeURIComponent(id.value)}`, payload);
				ctx.announce(`${existing ? "Saved" : "Created"} source ${saved.id}.`);
				void ctx.refresh();
				return secretStep(saved);
			},
		});
	}

	function remove(source) {
		openDialog({
			title: `Delete source ${source.id}?`,
			body: h(
				"p",
				{},
				`Its ingest URL stops accepting webhooks (404). Events already received stay in the log. The provider should stop sending to ${source.ingest_url}.`,
			),
			submitLabel: "Delete source",
			onSubmit: async () => {
				await ctx.api("DELETE", `/v1/sources/${encodeURIComponent(source.id)}`);
				ctx.announce(`Deleted source ${source.id}.`);
				void ctx.refresh();
			},
		});
	}

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
			h(
				"td",
				{ class: "row-actions" },
				rowAction("Edit", source, () => edit(source)),
				rowAction("Delete", source, () => remove(source)),
			),
		);
	}

	/** "Edit…" or "Delete…" for one row, named for screen readers with the source's id. */
	function rowAction(verb, source, onclick) {
		const props = { type: "button", class: "secondary small", onclick };
		props.dataset = { key: `${verb.toLowerCase()}-${source.id}` };
		props["aria-label"] = `${verb} source ${source.id}`;
		return h("button", props, `${verb}…`);
	}

	return {
		title: "Sources",
		async update() {
			const counts = new Map((ctx.stats?.sources ?? []).map((s) => [s.source, s.events]));
			if (ctx.sources.length === 0) {
				replaceKeepingFocus(
					body,
					h("p", { class: "empty" }, "No sources yet. Create one with New source… (or PUT /v1/sources/{id})."),
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
							h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")),
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
