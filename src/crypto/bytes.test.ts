import { describe, expect, it } from "vitest";
import { fromBase64, toBase64 } from "./bytes";

describe("base64", () => {
	it("round-trips and rejects non-base64", () => {
		const bytes = new Uint8Array([0, 1, 254, 255]);
		expect(fromBase64(toBase64(bytes))).toEqual(bytes);
		expect(fromBase64("not base64!")).toBeNull();
	});
});
