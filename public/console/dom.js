/**
 * Small DOM helpers. Elements are built with h(); every piece of data goes in as text, never as
 * HTML, so nothing a webhook carries can run in the console.
 */

/** Creates an element: h("a", { href, class, onclick }, "text", child, [more]). */
export function h(tag, props, ...children) {
	const el = document.createElement(tag);
	setProps(el, props);
	add(el, children);
	return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Creates an SVG element, with attributes. */
export function svg(tag, attrs, ...children) {
	const el = document.createElementNS(SVG_NS, tag);
	for (const [k, v] of Object.entries(attrs ?? {})) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
	add(el, children);
	return el;
}

function setProps(el, props) {
	for (const [k, v] of Object.entries(props ?? {})) {
		if (v === undefined || v === null || v === false) continue;
		if (k === "class") el.className = v;
		else if (k === "dataset") Object.assign(el.dataset, v);
		else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
		else if (k === "value") el.value = v;
		else el.setAttribute(k, v === true ? "" : String(v));
	}
}

function add(el, children) {
	for (const c of children.flat(Infinity)) {
		if (c === null || c === undefined || c === false) continue;
		el.append(c instanceof Node ? c : String(c));
	}
}

/**
 * Replaces a container's content, keeping keyboard focus: an element with the same data-key as the
 * focused one gets focus back, so a refresh does not throw a keyboard user to the top of the page.
 */
export function replaceKeepingFocus(container, ...nodes) {
	const active = document.activeElement;
	const key = active && container.contains(active) ? active.closest("[data-key]")?.dataset.key : undefined;
	container.replaceChildren(...nodes.flat());
	if (key) container.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
}

/** A <time> with a short local rendering, the full time in its tooltip. */
export function time(iso, relative = false) {
	if (!iso) return h("span", { class: "muted" }, "never");
	const d = new Date(iso);
	const sameDay = d.toDateString() === new Date().toDateString();
	const short = sameDay
		? d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })
		: d.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
	return h("time", { datetime: iso, title: d.toLocaleString() }, relative ? ago(d) : short);
}

/** "12 s ago", "3 min ago", "in 20 s". */
export function ago(date) {
	const s = Math.round((Date.now() - date.getTime()) / 1000);
	const abs = Math.abs(s);
	const text =
		abs < 60
			? `${abs} s`
			: abs < 3600
				? `${Math.round(abs / 60)} min`
				: abs < 86400
					? `${Math.round(abs / 3600)} h`
					: `${Math.round(abs / 86400)} d`;
	return s >= 0 ? `${text} ago` : `in ${text}`;
}

/** A percentage for display: "97%", "99.5%", or an em dash without data. */
export function percent(part, whole) {
	if (!whole) return "—";
	const p = (100 * part) / whole;
	return `${p >= 99.5 && p < 100 ? p.toFixed(1) : Math.round(p)}%`;
}

/** Milliseconds for display, or an em dash. */
export const ms = (v) => (v === null || v === undefined ? "—" : `${v} ms`);

/** A status badge: the text says the state, the colour only repeats it. */
export function badge(state, text = state) {
	return h("span", { class: `badge badge-${state}` }, text.replace("_", " "));
}

/**
 * A delivery's state (GET /v1/events/{id}, a subscription's `oldest_open`) as a badge that says all of
 * it: "waiting for #3", "retrying" (its next attempt is shown beside it), "held" (paused or disabled).
 */
export function deliveryBadge(d) {
	if (d.state === "waiting" && d.waiting_for_sequence !== null)
		return badge("waiting", `waiting for #${d.waiting_for_sequence}`);
	return badge(d.state);
}

/** Copies text to the clipboard; falls back to selecting it for a manual copy. */
export async function copy(text, field) {
	try {
		await navigator.clipboard.writeText(text);
		return true;
	} catch {
		if (field) {
			field.focus();
			field.select?.();
		}
		return false;
	}
}
