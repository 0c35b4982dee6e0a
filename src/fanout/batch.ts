/**
 * Batches for `ordered` subscriptions with `batch`: several events in one POST, as a JSON array of
 * their exact stored envelopes in sequence order, signed once. The lane keeps the batch's range on
 * its head row (`batch_end`, ./delivery-store) from the first attempt until it settles, so every
 * retry sends the same bytes under the same `webhook-id`.
 */

/** The body of a batch: the stored envelope texts, unchanged, as one JSON array. */
export function batchBody(envelopes: readonly string[]): string {
	return `[${envelopes.join(",")}]`;
}

/**
 * The `webhook-id` of a batch: the same for every retry of one batch (same subscription, same first
 * and last sequence), different for any other batch.
 */
export function batchId(subId: string, firstSeq: number, lastSeq: number): string {
	return `batch_${subId}_${firstSeq}_${lastSeq}`;
}
