/**
 * A subscription's success rate over the last day, one bar per hour (from GET /v1/stats `hourly`).
 * A bar's height is that hour's share of attempts that succeeded; an hour without attempts shows only
 * its grey track. The text beside it says the same for screen readers and for anyone without colour.
 */
import { h, percent, svg } from "./dom.js";

const W = 6;
const GAP = 2;
const HEIGHT = 32;

export function successChart(hourly) {
	const total = hourly.reduce((n, b) => n + b.succeeded + b.failed, 0);
	const ok = hourly.reduce((n, b) => n + b.succeeded, 0);
	const summary = total
		? `${percent(ok, total)} of ${total} attempt${total === 1 ? "" : "s"} succeeded in 24 h`
		: "No attempts in 24 h";
	const bars = hourly.map((b, i) => {
		const n = b.succeeded + b.failed;
		const x = i * (W + GAP);
		const rate = n ? b.succeeded / n : 0;
		const height = n ? Math.max(2, Math.round(rate * HEIGHT)) : 0;
		const tone = !n ? "" : rate >= 0.95 ? "good" : rate >= 0.5 ? "warn" : "bad";
		const hour = new Date(b.start).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
		return svg(
			"g",
			{},
			svg("title", {}, n ? `from ${hour}: ${b.succeeded} of ${n} succeeded` : `from ${hour}: no attempts`),
			svg("rect", { x, y: 0, width: W, height: HEIGHT, class: "track" }),
			// A failing hour still gets a red sliver at the bottom, so 0% is visible, not empty.
			n && rate === 0 ? svg("rect", { x, y: HEIGHT - 3, width: W, height: 3, class: "bar bad" }) : null,
			height && rate > 0 ? svg("rect", { x, y: HEIGHT - height, width: W, height, class: `bar ${tone}` }) : null,
		);
	});
	const width = hourly.length * (W + GAP) - GAP;
	return h(
		"figure",
		{ class: "chart" },
		svg(
			"svg",
			{
				viewBox: `0 0 ${width} ${HEIGHT}`,
				width,
				height: HEIGHT,
				role: "img",
				"aria-label": `Success rate: ${summary}`,
			},
			bars,
		),
		h("figcaption", {}, summary),
	);
}
