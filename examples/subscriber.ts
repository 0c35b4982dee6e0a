/**
 * A tiny hookfan subscriber: a node:http server that verifies each delivery and acts on its type.
 *
 *   HOOKFAN_SECRET=whsec_... npm run example:subscriber
 *
 * then create a subscription to http://localhost:3000 (with `npm run dev`, which allows http
 * targets) and use the `secret` its answer carries. Listens on $PORT (3000 by default).
 */
import { createServer } from "node:http";
import { type HookfanEvent, verifyDelivery } from "hookfan/subscriber";

const secret = process.env.HOOKFAN_SECRET;
if (!secret) throw new Error("set HOOKFAN_SECRET to the subscription's whsec_ secret");

/** What this subscriber does with each event: `event.data` is typed by `event.type`. */
function handle(event: HookfanEvent): void {
	switch (event.type) {
		case "message.received":
			console.log(`${event.data.from} says ${JSON.stringify(event.data.text)}`);
			break;
		case "message.failed":
			console.log(`message ${event.data.id} failed: ${event.data.error?.message ?? "no reason given"}`);
			break;
		case "call.hangup":
			console.log(`call ${event.data.id} ended (${event.data.hangup_reason ?? "no reason given"})`);
			break;
		default:
			console.log(`${event.type} from ${event.provider}`);
	}
}

const server = createServer((req, res) => {
	const chunks: Buffer[] = [];
	req.on("data", (chunk: Buffer) => chunks.push(chunk));
	req.on("end", () => {
		// Verify the exact bytes received: re-serialized JSON would not match the signature.
		const result = verifyDelivery(secret, Buffer.concat(chunks).toString("utf8"), req.headers);
		if (result.ok) handle(result.event);
		else console.warn(`refused: ${result.reason}`);
		// 2xx acknowledges; an authentic event of a type this helper does not know yet is acknowledged too.
		res.statusCode = result.ok || result.reason === "unknown_type" ? 204 : 400;
		res.end();
	});
});

server.listen(Number(process.env.PORT ?? 3000), () => console.log("listening", server.address()));
