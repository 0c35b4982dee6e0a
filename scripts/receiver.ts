/**
 * `npm run receiver`: a subscriber to watch deliveries arrive on your machine.
 *
 *   npm run receiver -- --secret whsec_... [--port 9000]
 *
 * Listens on http://127.0.0.1:<port> (any path), verifies each delivery's Standard Webhooks signature
 * with the `standardwebhooks` package and the subscription's `whsec_` secret (or WEBHOOK_SECRET), and
 * prints one line per delivery followed by its envelope. It answers 204 to a verified delivery and 400
 * to any other request, which hookfan then retries. Runs until Ctrl-C.
 */
import { createServer, type IncomingMessage } from "node:http";
import { parseArgs } from "node:util";
import { Webhook } from "standardwebhooks";

const { values } = parseArgs({
	options: { port: { type: "string", default: "9000" }, secret: { type: "string" }, quiet: { type: "boolean" } },
});
const secret = values.secret ?? process.env.WEBHOOK_SECRET ?? "";
if (!secret.startsWith("whsec_")) {
	console.error(
		"Give the subscription's signing secret: npm run receiver -- --secret whsec_...\n" +
			"(POST /v1/subscriptions and POST /v1/subscriptions/{id}/rotate-secret answer it, once.)",
	);
	process.exit(2);
}
const webhook = new Webhook(secret);

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString("utf8");
}

const server = createServer(async (req, res) => {
	const body = await readBody(req);
	const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
	const time = new Date().toISOString().slice(11, 19);
	try {
		// Throws unless webhook-signature is the HMAC of "{webhook-id}.{webhook-timestamp}.{body}" under the
		// secret and webhook-timestamp is within 5 minutes of now.
		const e = webhook.verify(body, headers) as { id: string; type: string; source: string; sequence: number };
		console.log(
			`${time}  ${req.method} ${req.url}  #${e.sequence} ${e.type} from ${e.source}  ${e.id}  signature verified`,
		);
		if (!values.quiet) console.log(JSON.stringify(e, null, 2));
		res.writeHead(204).end();
	} catch (err) {
		console.log(`${time}  ${req.method} ${req.url}  rejected: ${(err as Error).message} (answered 400)`);
		res.writeHead(400).end();
	}
});

// Started in the background through npm (`npm run receiver ... &`), `kill %1` stops npm but not this
// process, which would keep the port: leave when the parent goes.
const parent = process.ppid;
setInterval(() => {
	if (process.ppid !== parent) process.exit(0);
}, 500).unref();

server.on("error", (err) => {
	console.error(`Cannot listen on port ${values.port}: ${err.message}. Choose another: --port 9001`);
	process.exit(1);
});
server.listen(Number(values.port), "127.0.0.1", () => {
	console.log(`Receiving deliveries on http://127.0.0.1:${values.port}/ (Ctrl-C stops)`);
});
