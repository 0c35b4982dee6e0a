/**
 * A developer's local server, as `hookfan listen --forward-to` reaches it: it verifies every request
 * with the `standardwebhooks` library under `secret` (set once `listen` prints it), as a real handler
 * would, and records what verified and what did not.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface VerifyingServer {
	url: string;
	/** The `whsec_` secret requests must be signed with. */
	secret: string;
	/** Verified envelopes' ids, in arrival order. */
	verified: string[];
	/** Why each refused request did not verify. */
	refused: string[];
	server: Server;
}

async function body(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString("utf8");
}

/** Starts it on a free loopback port; `status` picks the answer to a verified event (200 by default). */
export async function startVerifyingServer(
	status: (event: { id: string; type: string }) => number = () => 200,
): Promise<VerifyingServer> {
	const local: VerifyingServer = { url: "", secret: "", verified: [], refused: [], server: createServer() };
	local.server.on("request", async (req, res) => {
		const text = await body(req);
		const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
		try {
			const event = new Webhook(local.secret).verify(text, headers) as { id: string; type: string };
			local.verified.push(event.id);
			res.writeHead(status(event)).end();
		} catch (err) {
			local.refused.push((err as Error).message);
			res.writeHead(400).end();
		}
	});
	await new Promise<void>((resolve) => local.server.listen(0, "127.0.0.1", resolve));
	local.url = `http://127.0.0.1:${(local.server.address() as AddressInfo).port}/webhooks`;
	return local;
}
