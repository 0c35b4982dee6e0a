/** Identifiers: ULIDs (time-ordered, 26 Crockford base32 characters) with a type prefix. */

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A ULID for `now` (ms): 10 characters of time, 16 of randomness. */
export function ulid(now: number = Date.now()): string {
	let time = "";
	let t = now;
	for (let i = 0; i < 10; i++) {
		time = CROCKFORD[t % 32] + time;
		t = Math.floor(t / 32);
	}
	const random = crypto.getRandomValues(new Uint8Array(16));
	let rand = "";
	for (const b of random) rand += CROCKFORD[b % 32];
	return time + rand;
}

export const eventId = (now?: number) => `evt_${ulid(now)}`;
