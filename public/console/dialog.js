/**
 * One modal <dialog> for every form the console asks for (replay, filters, secret rotation). The
 * browser's dialog gives keyboard users focus containment and Escape to cancel; focus returns to the
 * button that opened it (or its refreshed twin, matched by data-key).
 */
import { h } from "./dom.js";

const $ = (id) => document.getElementById(id);

/**
 * Shows the dialog. `onSubmit` runs on the submit button or Enter; an error it throws is shown in the
 * dialog, which stays open. It may return another step ({ title, body, submitLabel, onSubmit } or
 * { title, body, doneLabel }) to show in place, e.g. a secret that is shown once.
 */
export function openDialog(step) {
	const dialog = $("dialog");
	const opener = document.activeElement;
	const openerKey = opener?.closest?.("[data-key]")?.dataset.key;
	render(step);
	dialog.addEventListener(
		"close",
		() => {
			if (opener?.isConnected) opener.focus();
			else if (openerKey) document.querySelector(`[data-key="${CSS.escape(openerKey)}"]`)?.focus();
		},
		{ once: true },
	);
	dialog.showModal();
	const first = dialog.querySelector("#dialog-body input, #dialog-body select, #dialog-body textarea");
	(first ?? dialog.querySelector("#dialog-actions button:last-child"))?.focus();
}

function render(step) {
	const dialog = $("dialog");
	const form = $("dialog-form");
	$("dialog-title").textContent = step.title;
	$("dialog-body").replaceChildren(...[step.body].flat());
	$("dialog-error").textContent = "";
	const actions = [];
	if (step.onSubmit) {
		actions.push(h("button", { type: "button", class: "secondary", onclick: () => dialog.close() }, "Cancel"));
		actions.push(h("button", { type: "submit" }, step.submitLabel ?? "Save"));
	} else {
		actions.push(h("button", { type: "button", onclick: () => dialog.close() }, step.doneLabel ?? "Close"));
	}
	$("dialog-actions").replaceChildren(...actions);
	form.onsubmit = async (event) => {
		event.preventDefault();
		if (!step.onSubmit) return dialog.close();
		const submit = form.querySelector("button[type=submit]");
		submit.disabled = true;
		$("dialog-error").textContent = "";
		try {
			const next = await step.onSubmit(new FormData(form));
			if (next) {
				render(next);
				dialog.querySelector("#dialog-body input, #dialog-actions button")?.focus();
			} else dialog.close();
		} catch (err) {
			$("dialog-error").textContent = err.message;
		} finally {
			submit.disabled = false;
		}
	};
}

/** A labelled form field: <label> then the control, with an optional hint tied by aria-describedby. */
export function field(label, control, hint) {
	const id = control.id || `f-${Math.random().toString(36).slice(2, 8)}`;
	control.id = id;
	const children = [h("label", { for: id }, label), control];
	if (hint) {
		control.setAttribute("aria-describedby", `${id}-hint`);
		children.push(h("p", { class: "hint", id: `${id}-hint` }, hint));
	}
	return h("div", { class: "field" }, children);
}
