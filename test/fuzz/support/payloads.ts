/**
 * Provider-shaped payloads for fuzzing: the fields each provider sends, usually of the right type,
 * sometimes of a wrong type or a hostile value, so both the normalizers' happy paths and their
 * forgiving readers get exercised.
 */
import fc from "fast-check";
import { HOSTILE_STRINGS, hostileString, hostileValue, usually } from "./hostile";

const hex = (minLength: number, maxLength: number) =>
	fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength, maxLength });

/** Type names: real ones, names that mean something to a JS object, and junk. */
function typeName(...known: string[]): fc.Arbitrary<unknown> {
	return usually(
		fc.oneof(
			{ weight: 4, arbitrary: fc.constantFrom(...known) },
			{ weight: 1, arbitrary: fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "valueOf") },
			{ weight: 1, arbitrary: hostileString },
			{ weight: 1, arbitrary: fc.string({ minLength: 190, maxLength: 210 }) },
		),
	);
}

const time = fc.oneof(
	fc.constantFrom("2026-11-20 10:00:05.000000", "9999-01-01 00:00:00.000000", "2026-11-20T10:00:05Z", "1767225600"),
	fc.integer({ min: -1, max: 2 ** 40 }),
	fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
	hostileString,
);

const id = fc.oneof(fc.uuid(), fc.integer(), fc.string({ minLength: 1, maxLength: 12 }), hostileString);
const phone = fc.oneof(
	fc.constantFrom("+15550001111", "tel:+15550001111?channel=x#Bob", "0650 555 0123"),
	hostileString,
);

/** A partial object: each field present or not, so required fields go missing too. */
function some(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
	return fc.record(fields, { requiredKeys: [] });
}

export const voipbinPayload = some({
	type: typeName("call_created", "call_hungup", "call_progressing", "agent_created", "queuecall_done"),
	data: usually(
		some({
			id: usually(id),
			status: usually(fc.constantFrom("progressing", "hangup")),
			direction: usually(fc.constantFrom("incoming", "outgoing", "inbound")),
			source: usually(some({ type: fc.constant("tel"), target: usually(phone) })),
			destination: usually(some({ type: fc.constant("tel"), target: usually(phone) })),
			hangup_reason: usually(fc.constantFrom("normal", "")),
			tm_create: time,
			tm_update: time,
		}),
	),
});

const contact = some({
	id: usually(id),
	name: hostileString,
	phone_number: usually(phone),
	pubsub_token: hostileString,
});

export const voxsigPayload = some({
	event: typeName("message_created", "message_updated", "conversation_created", "conversation_status_changed"),
	id: usually(id),
	content: usually(fc.string({ unit: "grapheme", maxLength: 80 })),
	message_type: usually(fc.constantFrom(0, 1, 2, 3, "incoming", "outgoing", "template", "activity", "4")),
	private: usually(fc.boolean()),
	created_at: time,
	updated_at: time,
	status: usually(fc.constantFrom("open", "failed", "sent")),
	sender: usually(fc.tuple(contact, fc.constantFrom("contact", "user")).map(([c, type]) => ({ ...c, type }))),
	conversation: usually(some({ id: usually(id), inbox_id: usually(id), meta: usually(some({ sender: contact })) })),
	attachments: usually(fc.array(some({ data_url: usually(fc.webUrl()), file_type: hostileString }), { maxLength: 3 })),
});

export const ccaiPayload = some({
	eventType: typeName("message.sent", "message.incoming", "message.excluded", "contact.unsubscribed"),
	eventHash: usually(fc.oneof(hex(16, 40), hostileString)),
	data: usually(
		some({
			SmsSid: usually(fc.oneof(fc.constant(0), fc.integer(), fc.constant("000"))),
			MessageStatus: usually(fc.constantFrom("DELIVERED", "RECEIVED", "FAILED")),
			To: usually(phone),
			From: usually(phone),
			Message: usually(fc.string({ unit: "grapheme", maxLength: 80 })),
			UnsubscribedAt: time,
			ContactData: usually(some({ Id: usually(id), FirstName: hostileString, Phone: usually(phone) })),
		}),
	),
});

/** A CCAI payload whose eventHash is a real-looking hash: what a captured request carries. */
export const ccaiSignablePayload = fc
	.tuple(ccaiPayload, hex(16, 64))
	.map(([payload, eventHash]) => ({ ...payload, eventType: "message.sent", data: {}, eventHash }));

export const rapidproPayload = fc.oneof(
	some({
		type: typeName("msg_received", "msg_created", "contact_urns_changed", "run_expired", "webhook_called"),
		uuid: usually(fc.uuid()),
		created_on: time,
		msg: usually(
			some({
				uuid: usually(fc.uuid()),
				text: usually(fc.string({ unit: "grapheme", maxLength: 80 })),
				urn: usually(phone),
				attachments: usually(fc.array(fc.oneof(fc.webUrl(), hostileString), { maxLength: 3 })),
				channel: usually(some({ uuid: usually(fc.uuid()) })),
			}),
		),
		urns: usually(fc.array(phone, { maxLength: 3 })),
		contact: usually(some({ uuid: usually(fc.uuid()), name: hostileString })),
	}),
	// The default resthook payload: no type at all.
	some({ flow: usually(some({ uuid: fc.uuid() })), run: usually(some({ uuid: fc.uuid() })), results: hostileValue }),
);

export const standardPayload = some({
	type: typeName("message.received", "call.hangup", "contact.created", "invoice.paid"),
	timestamp: usually(time),
	data: usually(
		some({ id: usually(id), direction: usually(fc.constantFrom("inbound", "outbound")), text: hostileString }),
	),
});

/** Telerivet form fields as [name, value] pairs: repeated names and the `secret` field included. */
export const telerivetFields: fc.Arbitrary<[string, string][]> = fc
	.tuple(
		fc.oneof(
			fc.constantFrom("incoming_message", "send_status", "contact_update", "__proto__", "constructor"),
			hostileString,
		),
		fc.array(
			fc.tuple(
				fc.oneof(
					fc.constantFrom("id", "content", "time_created", "status", "from_number", "event", "__proto__", "vars[x]"),
					fc.string({ maxLength: 10 }),
				),
				fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ unit: "grapheme", maxLength: 40 })),
			),
			{ maxLength: 8 },
		),
	)
	.map(([event, rest]) => [["event", event] as [string, string], ...rest]);
