/**
 * Every provider's sample set: one correctly signed request for each event type its normalizer maps
 * (taken from the normalizers' own type tables where they export one, so a new mapping gets a sample
 * without anyone writing it) and for each of its branches and passthroughs. Each sample is distinct,
 * so none is deduplicated away.
 */

import { CLOUDCONTACTAI_TYPES } from "../../src/normalize/cloudcontactai";
import { RAPIDPRO_TYPES } from "../../src/normalize/rapidpro";
import { VOIPBIN_CALL_TYPES } from "../../src/normalize/voipbin";
import { VOXSIG_TYPES } from "../../src/normalize/voxsig";
import type { ProviderId } from "../../src/providers";
import { EVENT_TYPE_NAMES } from "../../src/schema/catalog";
import { exampleEnvelope } from "../../src/schema/catalog-examples";
import { CCAI_CLIENT_ID, CCAI_SECRET, ccaiMessage, ccaiRequest, ccaiUnsubscribed } from "../builders/cloudcontactai";
import {
	RAPIDPRO_TOKEN,
	rapidproEvent,
	rapidproMsgEvent,
	rapidproRequest,
	rapidproResthook,
} from "../builders/rapidpro";
import { SW_SECRET, standardRequest } from "../builders/standardwebhooks";
import {
	TELERIVET_SECRET,
	telerivetEvent,
	telerivetIncoming,
	telerivetRequest,
	telerivetStatus,
} from "../builders/telerivet";
import { VOIPBIN_SECRET, voipbinCall, voipbinConversation, voipbinMessage, voipbinRequest } from "../builders/voipbin";
import {
	VOXSIG_SECRET,
	voxsigContact,
	voxsigConversation,
	voxsigMessage,
	voxsigRequest,
	voxsigTyping,
	voxsigWidget,
} from "../builders/voxsig";
import type { SignedRequest } from "./ingest";

export interface SampleSet {
	/** The source configuration the samples are signed for. */
	source: Record<string, unknown> & { provider: ProviderId };
	requests(): Promise<SignedRequest[]>;
}

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

export const SAMPLES: Record<ProviderId, SampleSet> = {
	rapidpro: {
		source: { provider: "rapidpro", secret: RAPIDPRO_TOKEN },
		requests: async () =>
			[
				...Object.keys(RAPIDPRO_TYPES).map((type, i) =>
					type.startsWith("contact_")
						? rapidproEvent(type, { uuid: uuid(i), contact: { uuid: uuid(100), name: "Ben", urns: ["tel:+1206"] } })
						: rapidproMsgEvent(type, { uuid: uuid(200 + i) }, { uuid: uuid(i) }),
				),
				rapidproMsgEvent("msg_created", { uuid: uuid(300), unsendable_reason: "no_route" }, { uuid: uuid(301) }),
				rapidproEvent("msg_wait", { uuid: uuid(302) }),
				rapidproEvent("run_expired", { run_uuid: uuid(303) }),
				rapidproEvent("contact_status_changed", { uuid: uuid(304), status: "stopped" }),
				rapidproResthook(),
				{ order: 7, note: "a hand-written call_webhook body" },
			].map((payload) => rapidproRequest(payload)),
	},
	cloudcontactai: {
		source: { provider: "cloudcontactai", secret: CCAI_SECRET, client_id: CCAI_CLIENT_ID },
		requests: () =>
			Promise.all(
				[
					...Object.keys(CLOUDCONTACTAI_TYPES)
						.filter((type) => type !== "contact.unsubscribed")
						.map((type, i) => ccaiMessage(type, {}, `hash-${i}`)),
					ccaiUnsubscribed({}, "hash-unsub"),
					ccaiMessage("message.clicked", {}, "hash-clicked"),
				].map((payload) => ccaiRequest(payload)),
			),
	},
	telerivet: {
		source: { provider: "telerivet", secret: TELERIVET_SECRET },
		requests: async () =>
			[
				telerivetIncoming(),
				telerivetStatus("failed", { error_message: "Invalid destination" }),
				telerivetStatus("delivered"),
				telerivetEvent("send_broadcast", { id: "BC1" }),
			].map((fields) => telerivetRequest(fields)),
	},
	voxsig: {
		source: { provider: "voxsig", secret: VOXSIG_SECRET },
		requests: () =>
			Promise.all(
				[
					voxsigMessage("message_created", { id: 1, message_type: "incoming" }),
					voxsigMessage("message_created", { id: 2, message_type: 1 }),
					voxsigMessage("message_created", { id: 3, message_type: "template" }),
					voxsigMessage("message_created", { id: 4, message_type: "activity" }),
					voxsigMessage("message_created", { id: 5, message_type: "outgoing", private: true }),
					...Object.keys(VOXSIG_TYPES).map((event) =>
						event.startsWith("message_")
							? voxsigMessage(event, { id: 6, status: "read" })
							: event.startsWith("contact_")
								? voxsigContact(event)
								: voxsigConversation(event),
					),
					voxsigWidget(),
					voxsigTyping("conversation_typing_on"),
				].map((payload) => voxsigRequest(payload)),
			),
	},
	voipbin: {
		source: { provider: "voipbin", secret: VOIPBIN_SECRET },
		requests: () =>
			Promise.all(
				[
					...Object.keys(VOIPBIN_CALL_TYPES).map((type) => voipbinCall(type, { hangup_reason: "normal" })),
					voipbinMessage("message_created"),
					voipbinMessage("message_created", {
						id: "m-out",
						direction: "outbound",
						source: { type: "tel", target: "+15550002222" },
						targets: [
							{
								destination: { type: "tel", target: "+15550001111" },
								status: "queued",
								parts: 1,
								tm_update: "2026-11-20T10:00:01Z",
							},
						],
					}),
					voipbinMessage("message_updated", {
						id: "m-out",
						direction: "outbound",
						targets: [
							{
								destination: { type: "tel", target: "+15550001111" },
								status: "delivered",
								parts: 1,
								tm_update: "2026-11-20T10:00:02Z",
							},
						],
					}),
					voipbinMessage("message_updated", {
						id: "m-out",
						direction: "outbound",
						targets: [
							{
								destination: { type: "tel", target: "+15550001111" },
								status: "failed",
								parts: 1,
								tm_update: "2026-11-20T10:00:03Z",
							},
						],
					}),
					voipbinConversation("conversation_created"),
					voipbinConversation("conversation_updated", { tm_update: "2026-11-20T10:05:00Z" }),
					{ type: "agent_created", data: { id: "agent-1", tm_update: "2026-11-20 10:00:00.000000" } },
				].map((payload) => voipbinRequest(payload)),
			),
	},
	standardwebhooks: {
		source: { provider: "standardwebhooks", secret: SW_SECRET },
		requests: () =>
			Promise.all(
				[
					// Another hookfan relaying each canonical type, with data that fits it...
					...EVENT_TYPE_NAMES.map((type) => ({
						type,
						timestamp: "2026-11-20T10:00:00Z",
						data: exampleEnvelope(type, "standardwebhooks").data,
					})),
					// ...one whose data does not fit, and a type of the sender's own: both pass through.
					{ type: "message.received", timestamp: "2026-11-20T10:00:00Z", data: { text: 5 } },
					{ type: "invoice.paid", timestamp: "2026-11-20T10:00:00Z", data: { amount: 100 } },
				].map((payload) => standardRequest(payload)),
			),
	},
};
