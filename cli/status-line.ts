/**
 * One self-erasing progress line ("⠋ Waiting for events..."), drawn only on a terminal. Lines
 * printed through `print` appear above it, so the spinner never garbles the event log.
 */
const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export class StatusLine {
	readonly #out: NodeJS.WriteStream;
	/** Whether it draws at all: only on a terminal. */
	readonly enabled: boolean;
	#text = "";
	#frame = 0;
	#timer: NodeJS.Timeout | undefined;

	constructor(out: NodeJS.WriteStream = process.stdout, enabled = out.isTTY === true) {
		this.#out = out;
		this.enabled = enabled;
	}

	/** Shows `text` after a spinner until `stop` (or the next `set`). */
	set(text: string): void {
		this.#text = text;
		if (!this.enabled) return;
		this.#timer ??= setInterval(() => this.#draw(), 100).unref();
		this.#draw();
	}

	/** Prints a line above the status line. */
	print(line: string): void {
		this.#clear();
		this.#out.write(`${line}\n`);
		if (this.#timer) this.#draw();
	}

	stop(): void {
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = undefined;
		this.#clear();
	}

	#draw(): void {
		this.#frame = (this.#frame + 1) % FRAMES.length;
		this.#out.write(`\r\x1b[2K${FRAMES[this.#frame]} ${this.#text}`);
	}

	#clear(): void {
		if (this.enabled) this.#out.write("\r\x1b[2K");
	}
}
