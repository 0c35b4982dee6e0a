/**
 * The envelope's `subject`: what an event is about, in the spirit of the CloudEvents `subject`
 * attribute. Per-key ordering uses it as its default key (`ordering_key: "/subject"`), so events about
 * one conversation, contact or call reach a subscriber in order while others run beside them.
 *
 * The rule (docs/events.md lists it per provider):
 * - messages and their status changes: `conversation:<id>` when the provider has a conversation, else
 *   the contact they were exchanged with, `contact:<urn or number>` (the sender of an inbound message,
 *   the recipient of an outbound one; the provider's contact id when neither number is known);
 * - calls: `call:<id>`; conversations: `conversation:<id>`; contacts: `contact:<id>` (else its urn or phone);
 * - other resources (passthrough types): `<resource>:<id>`, when the normalizer knows them;
 * - null when there is none.
 */
import { type EventData, resourceOf } from "../schema/envelope";
import { field, text } from "./fields";

/** `<prefix>:<id>`, or null when there is no id. */
export function subjectFor(prefix: string, id: unknown): string | null {
	const value = text(id);
	return value === null ? null : `${prefix}:${value}`;
}

/** The other party of a message: its sender when inbound, its recipient when outbound. */
function counterpart(data: EventData): string | null {
	const from = text(field(data, "from"));
	const to = text(field(data, "to"));
	const direction = field(data, "direction");
	if (direction === "inbound") return from;
	if (direction === "outbound") return to;
	return from ?? to;
}

/**
 * The subject of a canonical event, from its normalized `data`; null for a passthrough type (whose
 * normalizer may name one with `subjectFor`) or when the data has no identity.
 */
export function subjectOf(type: string, data: EventData): string | null {
	switch (resourceOf(type)) {
		case "message":
			return (
				subjectFor("conversation", field(data, "conversation_id")) ??
				subjectFor("contact", counterpart(data)) ??
				subjectFor("contact", field(data, "contact_id"))
			);
		case "call":
			return subjectFor("call", field(data, "id"));
		case "conversation":
			return subjectFor("conversation", field(data, "id"));
		case "contact":
			return subjectFor("contact", field(data, "id") ?? field(data, "urn") ?? field(data, "phone"));
		case null:
			return null;
	}
}
